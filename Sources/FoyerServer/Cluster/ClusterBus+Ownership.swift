import FoyerCore
import FoyerStore
import Logging
import Prometheus
import Synchronization

extension ClusterBus {
    /// Once a second: one lease round (renew, claim, adopt, hand on), then a tick for each
    /// account this node owns. Rounds are paced from their start, so ticks stay about a
    /// second apart however long the database takes to answer.
    func ownershipLoop() async {
        var ownership = AccountOwnership(node: node, leaseSeconds: configuration.leaseSeconds)
        var failing = false
        while !isDone {
            let started = ContinuousClock.now
            do {
                let (log, node) = (self.log, self.node)
                let nodes = try await withDeadline(.seconds(5)) { try await log.nodes() }
                let round = ownership.round(accounts: state.openedAccountIDs(), nodes: nodes, now: started)
                let leases = try await withDeadline(.seconds(5)) { try await log.leaseRound(node: node, round) }
                let (gained, lost) = ownership.finished(leases, startedAt: started)
                if !gained.isEmpty { logger.info("node \(node) now owns \(gained.count) more accounts", metadata: ["accounts": "\(gained.prefix(20))"]) }
                if !lost.isEmpty { logger.info("node \(node) handed on \(lost.count) accounts", metadata: ["accounts": "\(lost.prefix(20))"]) }
                if failing { logger.notice("account leases renewed again") }
                failing = false
            } catch {
                if !isDone, !failing { logger.warning("cannot renew account leases (this node stops acting for its accounts once they lapse): \(error)") }
                failing = true
            }
            let owned = ownership.owned(now: .now)
            ownedAccounts.withLock { $0 = owned }
            metrics.clusterOwnedAccounts.set(Double(owned.count))
            if !isStopping {
                let at = clock.nowMillis()
                for account in owned { submit(LiveRecord(account: account, command: .tick(at: at))) }
            }
            try? await Task.sleep(until: started + .seconds(1), clock: .continuous)
        }
        ownedAccounts.withLock { $0 = [] }
        metrics.clusterOwnedAccounts.set(0.0)
    }
}
