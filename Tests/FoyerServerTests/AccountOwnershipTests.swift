import FoyerCore
import FoyerStore
import Testing

@testable import FoyerServer

/// A node's lease bookkeeping, without a database: what it asks for, what it may act on.
@Suite("Account ownership")
struct AccountOwnershipTests {
    let accounts = (0..<40).map { "acc_\($0)" }
    let start = ContinuousClock.now

    @Test func aRoundClaimsPreferredAccountsAndAdoptsOnlyAfterALapse() {
        var ownership = AccountOwnership(node: 2, leaseSeconds: 5)
        let round = ownership.round(accounts: accounts, nodes: [1, 2, 3], now: start)
        let mine = accounts.filter { RendezvousHash.preferred(for: $0, among: [1, 2, 3]) == 2 }
        #expect(round.claim == mine)
        #expect(round.adopt == accounts.filter { !mine.contains($0) })
        #expect(round.adoptAfterSeconds == 5)
        #expect(round.release.isEmpty)
        // A node whose own row was just expired still counts itself among the living.
        #expect(ownership.round(accounts: accounts, nodes: [1, 3], now: start).claim == mine)
    }

    @Test func leasesAreActedOnOnlyWhileTheyCannotHaveLapsed() {
        var ownership = AccountOwnership(node: 1, leaseSeconds: 5)
        #expect(ownership.owned(now: start).isEmpty)
        let (gained, lost) = ownership.finished([AccountLease(account: "b", node: 1, epoch: 1), AccountLease(account: "a", node: 1, epoch: 3)], startedAt: start)
        #expect(gained == ["a", "b"] && lost.isEmpty)
        #expect(ownership.owned(now: start + .seconds(4)) == ["a", "b"])
        // Past the lease less the margin, with no successful round since: nothing.
        #expect(ownership.owned(now: start + .milliseconds(4_600)).isEmpty)
        #expect(ownership.epoch(of: "a") == 3)
    }

    @Test func anAccountAnotherNodeNowPrefersIsHandedOnOnlyAfterItWasHeldAWhile() {
        var ownership = AccountOwnership(node: 1, leaseSeconds: 5, handOverAfter: .seconds(10))
        let all = accounts.map { AccountLease(account: $0, node: 1, epoch: 1) }
        _ = ownership.finished(all, startedAt: start)
        // Node 4 joined: the accounts it now wins are released, but not straight after taking them.
        let toFour = accounts.filter { RendezvousHash.preferred(for: $0, among: [1, 4]) == 4 }
        #expect(!toFour.isEmpty)
        #expect(ownership.round(accounts: accounts, nodes: [1, 4], now: start + .seconds(9)).release.isEmpty)
        let round = ownership.round(accounts: accounts, nodes: [1, 4], now: start + .seconds(10))
        #expect(round.release == toFour)
        #expect(round.claim.isEmpty && round.adopt.isEmpty, "held accounts are renewed, not claimed again")
        // Given up as the round is sent, even if its answer never comes back.
        #expect(ownership.owned(now: start + .seconds(1)) == accounts.filter { !toFour.contains($0) }.sorted())
    }

    @Test func aLeaseTakenAgainWithANewEpochCountsAsGainedAndAMissingOneAsLost() {
        var ownership = AccountOwnership(node: 1, leaseSeconds: 5)
        _ = ownership.finished([AccountLease(account: "a", node: 1, epoch: 1), AccountLease(account: "b", node: 1, epoch: 1)], startedAt: start)
        let (gained, lost) = ownership.finished([AccountLease(account: "a", node: 1, epoch: 2)], startedAt: start + .seconds(1))
        #expect(gained == ["a"])
        #expect(lost == ["b"])
        #expect(ownership.owned(now: start + .seconds(2)) == ["a"])
    }
}
