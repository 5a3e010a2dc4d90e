import FoyerCore
import FoyerStore
import Logging
import Prometheus
import Synchronization

extension ClusterBus {
    /// Once a second: a tick for each account this node owns, then one lease round (renew,
    /// claim, adopt, hand on). Ticks go first, so a slow round does not hold them back.
    /// Rounds are paced from their start with a little jitter, so nodes' rounds do not
    /// stay in step (each waits for the rows the others are renewing).
    func ownershipLoop() async {
        var ownership = AccountOwnership(node: node, leaseSeconds: configuration.leaseSeconds)
        var failing = false
        while !isDone {
            let started = ContinuousClock.now
            let owned = ownership.owned(now: started)
            ownedAccounts.withLock { $0 = owned }
            metrics.clusterOwnedAccounts.set(Double(owned.count))
            if !isStopping {
                let at = clock.nowMillis()
                for account in owned { submit(LiveRecord(account: account, command: .tick(at: at))) }
            }
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
            let jitter = Duration.milliseconds(Int.random(in: -100...100))
            try? await Task.sleep(until: started + .seconds(1) + jitter, clock: .continuous)
        }
        ownedAccounts.withLock { $0 = [] }
        metrics.clusterOwnedAccounts.set(0.0)
        if isStopping {
            // Leave the node list first, so the others see themselves preferred and claim
            // at once, then give the leases up rather than let them lapse.
            let (log, node) = (self.log, self.node)
            try? await log.removeNode(node)
            try? await log.releaseLeases(node: node)
        }
    }
}
