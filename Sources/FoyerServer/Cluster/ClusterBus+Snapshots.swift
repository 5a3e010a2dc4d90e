import Foundation
import FoyerCore
import FoyerStore
import Logging
import Synchronization

extension ClusterBus {
    /// Every snapshot interval, the owner writes a snapshot of each of its accounts that
    /// changed since its last one, or that it has not written for `accountSnapshotRefresh`
    /// (so the leader's prune horizon keeps moving past accounts that stay quiet). Each
    /// snapshot is bounded by its account's size; a node pays for the accounts it owns.
    func accountSnapshotLoop() async {
        var saved: [String: (revision: UInt64, at: ContinuousClock.Instant)] = [:]
        while !isDone {
            // In short steps: a stopping node must not wait out a whole interval.
            let due = ContinuousClock.now + configuration.snapshotInterval
            while !isDone, ContinuousClock.now < due {
                try? await Task.sleep(for: min(.milliseconds(250), due - .now))
            }
            if isDone { break }
            let owned = ownedAccounts.withLock { $0 }
            let now = ContinuousClock.now
            let refresh = configuration.accountSnapshotRefresh
            // Read under the applied lock, so every piece is exactly the state at `position`.
            let (position, pieces) = applied.withLock { applied -> (Int64, [(String, LiveSnapshot, UInt64)]) in
                var pieces: [(String, LiveSnapshot, UInt64)] = []
                for id in owned {
                    // Still ahead of the log after a reload: its state is not at `position`.
                    if let floor = applied.floors[id], floor > applied.position { continue }
                    guard let (snapshot, revision) = state.snapshot(of: id) else { continue }
                    if let last = saved[id], last.revision == revision, now - last.at < refresh { continue }
                    pieces.append((id, snapshot, revision))
                }
                return (applied.position, pieces)
            }
            // Accounts handed on are forgotten, so taking one back snapshots it again.
            saved = saved.filter { owned.contains($0.key) }
            guard !pieces.isEmpty else { continue }
            do {
                let bytes = try await snapshots.save(pieces.map { ($0.0, $0.1) }, at: position)
                for (id, _, revision) in pieces { saved[id] = (revision, now) }
                logger.debug("saved \(pieces.count) account snapshots at \(position): \(bytes) bytes")
            } catch {
                if !isDone { logger.warning("cannot save account snapshots: \(error)") }
            }
        }
    }

    /// The log position before which no node needs the log any more: the oldest account
    /// snapshot of an opened account, never past what this node applied (an account
    /// opened beyond it may have no snapshot yet). Nil while some opened account has no
    /// snapshot: its whole history is still needed.
    func pruneHorizon() async throws -> Int64? {
        let (position, opened) = applied.withLock { applied in (applied.position, state.openedAccountIDs()) }
        let positions = try await log.accountSnapshotPositions()
        var horizon = position
        for id in opened {
            guard let snapshot = positions[id] else { return nil }
            horizon = min(horizon, snapshot)
        }
        return horizon
    }
}
