import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FoyerStore
import Logging
import Prometheus

/// Encodes the live state and stores it as the cluster's newest snapshot.
struct SnapshotWriter: Sendable {
    let log: any LiveLog
    let metrics: FoyerMetrics
    let logger: Logger

    /// Writes `snapshot`, taken at `position`; returns its size in bytes.
    func save(_ snapshot: LiveSnapshot, at position: Int64) async throws -> Int {
        let started = ContinuousClock.now
        let body = try await Self.encodeInBackground(snapshot)
        let encoded = ContinuousClock.now
        try await log.saveSnapshot(LiveLogSnapshot(position: position, body: body))
        #if os(Linux)
        // The encoder's buffers were several times the snapshot; give them back now
        // instead of keeping them as the leader's resident memory until the next one.
        _ = glibcMallocTrim(0)
        #endif
        metrics.clusterSnapshotSeconds.set((ContinuousClock.now - started) / .seconds(1))
        metrics.clusterSnapshotBytes.set(Double(body.utf8.count))
        logger.info("saved the live snapshot at \(position): \(body.utf8.count) bytes, encoded in \(encoded - started), stored in \(ContinuousClock.now - encoded)")
        return body.utf8.count
    }

    /// Encodes on a thread of its own at the lowest CPU priority: tens of thousands of
    /// entries take seconds to encode, which must not delay live events.
    private static func encodeInBackground(_ snapshot: LiveSnapshot) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                #if os(Linux)
                // On Linux the nice value is per thread: this lowers only this one.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                #endif
                do {
                    continuation.resume(returning: String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self))
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
