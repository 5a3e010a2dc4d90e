import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FoyerStore
import Logging
import Prometheus

/// Encodes account snapshots and stores them, each replacing its account's older one.
struct SnapshotWriter: Sendable {
    let log: any LiveLog
    let metrics: FoyerMetrics
    let logger: Logger

    /// Writes the accounts' snapshots, all taken at `position`; returns their total size.
    func save(_ pieces: [(account: String, snapshot: LiveSnapshot)], at position: Int64) async throws -> Int {
        let started = ContinuousClock.now
        let bodies = try await Self.encodeInBackground(pieces.map(\.snapshot))
        try await log.saveAccountSnapshots(zip(pieces, bodies).map { AccountSnapshot(account: $0.0.account, position: position, body: $0.1) })
        let bytes = bodies.reduce(0) { $0 + $1.utf8.count }
        #if os(Linux)
        // The encoder's buffers were several times the snapshots; give them back now
        // instead of keeping them as resident memory until the next round.
        _ = glibcMallocTrim(0)
        #endif
        metrics.clusterSnapshotSeconds.set((ContinuousClock.now - started) / .seconds(1))
        metrics.clusterSnapshotBytes.set(Double(bytes))
        return bytes
    }

    /// Encodes on a thread of its own at the lowest CPU priority: tens of thousands of
    /// entries take seconds to encode, which must not delay live events.
    private static func encodeInBackground(_ snapshots: [LiveSnapshot]) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                #if os(Linux)
                // On Linux the nice value is per thread: this lowers only this one.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                #endif
                do {
                    let encoder = JSONEncoder()
                    continuation.resume(returning: try snapshots.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "foyer-snapshot"
            thread.start()
        }
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (its header is not in the Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
