import FoyerCore
import FoyerStore

/// This node's side of account ownership: the leases it holds, how long it may act on
/// them, and what its next lease round asks for.
///
/// An account prefers one live node by rendezvous hashing; that node claims the lease,
/// and a node holding an account another node now prefers (one joined) hands it on. An
/// account whose preferred node does not take it (it died before the cluster noticed)
/// is adopted by any node once its lease has lapsed for a whole lease time. The store
/// judges expiry by the database's clock; locally the node acts on its leases only until
/// a lease time after the start of its last successful round, less a margin, so a node
/// cut off from the database stops before another may have taken over.
struct AccountOwnership {
    let node: Int64
    /// How long a lease lasts without renewal.
    let leaseSeconds: Double
    /// Least time an account stays with a node before it is handed to a preferred one,
    /// so an account never bounces between nodes that disagree for a moment.
    let handOverAfter: Duration

    private struct Held {
        var epoch: Int64
        var since: ContinuousClock.Instant
    }

    private var held: [String: Held] = [:]
    private var validUntil: ContinuousClock.Instant?

    init(node: Int64, leaseSeconds: Double, handOverAfter: Duration? = nil) {
        self.node = node
        self.leaseSeconds = leaseSeconds
        self.handOverAfter = handOverAfter ?? .seconds(leaseSeconds * 2)
    }

    /// The next round for `accounts` (every account with live state) among the nodes
    /// alive now; this node counts as alive even if its row was just expired. Accounts it
    /// releases are given up here, before the round is sent: if the answer were lost, the
    /// node would otherwise go on acting for an account another node may already hold.
    mutating func round(accounts: [String], nodes: [Int64], now: ContinuousClock.Instant) -> LeaseRound {
        let candidates = nodes.contains(node) ? nodes : nodes + [node]
        var round = LeaseRound(seconds: leaseSeconds, adoptAfterSeconds: leaseSeconds)
        for account in accounts {
            let preferred = RendezvousHash.preferred(for: account, among: candidates) == node
            if let lease = held[account] {
                if !preferred, now - lease.since >= handOverAfter { round.release.append(account) }
            } else if preferred {
                round.claim.append(account)
            } else {
                round.adopt.append(account)
            }
        }
        for account in round.release { held[account] = nil }
        return round
    }

    /// Takes a round's answer (every lease this node holds now); returns the accounts
    /// gained and lost since the last round.
    mutating func finished(_ leases: [AccountLease], startedAt: ContinuousClock.Instant) -> (gained: [String], lost: [String]) {
        var next: [String: Held] = [:]
        var gained: [String] = []
        for lease in leases {
            if let kept = held[lease.account], kept.epoch == lease.epoch {
                next[lease.account] = kept
            } else {
                next[lease.account] = Held(epoch: lease.epoch, since: startedAt)
                gained.append(lease.account)
            }
        }
        let lost = held.keys.filter { next[$0] == nil }
        held = next
        validUntil = startedAt + .seconds(leaseSeconds) - Self.margin
        return (gained.sorted(), lost.sorted())
    }

    /// Kept short of the lease: the database's clock and this node's may run apart a
    /// little, and the round's answer took a moment to arrive.
    static let margin = Duration.milliseconds(500)

    /// The accounts this node may act for at `now` (none once its leases may have lapsed).
    func owned(now: ContinuousClock.Instant) -> [String] {
        guard let validUntil, now < validUntil else { return [] }
        return held.keys.sorted()
    }

    /// The lease epoch this node holds for `account`, if any.
    func epoch(of account: String) -> Int64? { held[account]?.epoch }
}
