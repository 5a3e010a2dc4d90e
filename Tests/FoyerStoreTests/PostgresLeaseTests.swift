import FoyerStore
import FoyerTestSupport
import Testing

/// Account leases on PostgreSQL (the cluster's ownership of accounts): one owner at a
/// time, epochs that grow on every change of hands, adoption only after a lapse.
/// Lease times of 0 seconds make a lease lapse at once, so no test waits on a clock.
@Suite("PostgreSQL account leases", .enabled(if: PostgresFixture.url != nil, PostgresFixture.skipReason))
struct PostgresLeaseTests {
    func run(_ test: (any LiveLog) async throws -> Void) async throws {
        let database = try await ScratchDatabase.create()
        let store = try await database.open()
        do {
            try await test(try #require(store.liveLog))
        } catch {
            try? await store.close()
            await database.drop()
            throw error
        }
        try await store.close()
        await database.drop()
    }

    @Test func nodesClaimingTheSameAccountsAtOnceLeaveOneOwnerEach() async throws {
        try await run { log in
            let accounts = (0..<50).map { "acc_\($0)" }
            let nodes = [try await log.registerNode(address: "a"), try await log.registerNode(address: "b"), try await log.registerNode(address: "c")]
            let granted = try await withThrowingTaskGroup(of: [AccountLease].self) { group in
                for node in nodes { group.addTask { try await log.leaseRound(node: node, LeaseRound(seconds: 60, claim: accounts)) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(granted.map(\.account).sorted() == accounts.sorted(), "every account granted exactly once")
            #expect(Set(try await log.leases()) == Set(granted))
        }
    }

    @Test func aHeldLeaseIsRenewedUntilReleasedAndThenTakenWithTheNextEpoch() async throws {
        try await run { log in
            let one = try await log.registerNode(address: "a")
            let two = try await log.registerNode(address: "b")
            #expect(try await log.leaseRound(node: one, LeaseRound(seconds: 60, claim: ["shop"])) == [AccountLease(account: "shop", node: one, epoch: 1)])
            #expect(try await log.leaseRound(node: one, LeaseRound(seconds: 60)) == [AccountLease(account: "shop", node: one, epoch: 1)], "renewed by the empty round")
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, claim: ["shop"])).isEmpty, "held, so not taken")
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, adopt: ["shop"])).isEmpty, "held, so not adopted")
            #expect(try await log.leaseRound(node: one, LeaseRound(seconds: 60, release: ["shop"])).isEmpty)
            #expect(try await log.leases().isEmpty, "a released lease has lapsed")
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, claim: ["shop"])) == [AccountLease(account: "shop", node: two, epoch: 2)])
            #expect(try await log.leaseRound(node: one, LeaseRound(seconds: 60)).isEmpty, "the old owner no longer renews it")
            #expect(try await log.leases() == [AccountLease(account: "shop", node: two, epoch: 2)])
        }
    }

    @Test func aLapsedLeaseIsAdoptedOnlyAfterItsGraceButClaimedAtOnce() async throws {
        try await run { log in
            let one = try await log.registerNode(address: "a")
            let two = try await log.registerNode(address: "b")
            _ = try await log.leaseRound(node: one, LeaseRound(seconds: 0, claim: ["shop", "cafe"]))
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, adopt: ["shop"], adoptAfterSeconds: 3_600)).isEmpty)
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, adopt: ["shop"], adoptAfterSeconds: 0)) == [AccountLease(account: "shop", node: two, epoch: 2)])
            // The preferred node takes a lapsed lease without waiting for the grace.
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, claim: ["cafe"])).map(\.account).sorted() == ["cafe", "shop"])
        }
    }

    @Test func anAccountItsPreferredNodeNeverClaimsIsAdoptedAfterAGraceFromWhenItWasFirstSeen() async throws {
        try await run { log in
            let two = try await log.registerNode(address: "b")
            // The first round that sees it unowned only notes it; no lease yet.
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, adopt: ["shop"], adoptAfterSeconds: 3_600)).isEmpty)
            #expect(try await log.leases().isEmpty)
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, adopt: ["shop"], adoptAfterSeconds: 3_600)).isEmpty, "within the grace")
            #expect(try await log.leaseRound(node: two, LeaseRound(seconds: 60, adopt: ["shop"], adoptAfterSeconds: 0)) == [AccountLease(account: "shop", node: two, epoch: 1)])
        }
    }

    @Test func aReleasedLeaseIsNotRenewedByTheNodeThatReleasedIt() async throws {
        try await run { log in
            let one = try await log.registerNode(address: "a")
            _ = try await log.leaseRound(node: one, LeaseRound(seconds: 60, claim: ["shop"]))
            _ = try await log.leaseRound(node: one, LeaseRound(seconds: 60, release: ["shop"]))
            // Its next round lists the account among those to adopt, as AccountOwnership does.
            #expect(try await log.leaseRound(node: one, LeaseRound(seconds: 60, adopt: ["shop"], adoptAfterSeconds: 3_600)).isEmpty)
            #expect(try await log.leases().isEmpty)
        }
    }

    /// Three nodes in steady state, each holding a third of 3,000 accounts and listing the
    /// rest to adopt, all running their rounds at the same moment again and again: no
    /// round may fail (they deadlocked when an insert's conflict check waited for another
    /// node's renewal), and no lease changes hands.
    @Test func roundsOfSeveralNodesAtOnceNeverBlockEachOther() async throws {
        try await run { log in
            let accounts = (0..<3_000).map { "acc_\($0)" }
            let nodes = [try await log.registerNode(address: "a"), try await log.registerNode(address: "b"), try await log.registerNode(address: "c")]
            func mine(_ index: Int) -> [String] { accounts.enumerated().filter { $0.offset % 3 == index }.map(\.element) }
            for (index, node) in nodes.enumerated() {
                _ = try await log.leaseRound(node: node, LeaseRound(seconds: 60, claim: mine(index)))
            }
            for _ in 0..<8 {
                let held = try await withThrowingTaskGroup(of: Int.self) { group in
                    for (index, node) in nodes.enumerated() {
                        let others = accounts.enumerated().filter { $0.offset % 3 != index }.map(\.element)
                        group.addTask {
                            try await log.leaseRound(node: node, LeaseRound(seconds: 60, adopt: others, adoptAfterSeconds: 5)).count
                        }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(held == accounts.count)
            }
            #expect(try await log.leases().allSatisfy { $0.epoch == 1 })
        }
    }

    @Test func aLapsedLeaseNoOneTookIsRenewedByItsHolderWithTheSameEpoch() async throws {
        try await run { log in
            let one = try await log.registerNode(address: "a")
            _ = try await log.leaseRound(node: one, LeaseRound(seconds: 0, claim: ["shop"]))
            #expect(try await log.leases().isEmpty)
            // Asking for it again (a node that forgot it held it) is the same as renewing it.
            #expect(try await log.leaseRound(node: one, LeaseRound(seconds: 60, claim: ["shop"])) == [AccountLease(account: "shop", node: one, epoch: 1)])
        }
    }

    @Test func aStoppingNodeReleasesEveryLeaseAtOnce() async throws {
        try await run { log in
            let one = try await log.registerNode(address: "a")
            let two = try await log.registerNode(address: "b")
            _ = try await log.leaseRound(node: one, LeaseRound(seconds: 60, claim: ["shop", "cafe"]))
            _ = try await log.leaseRound(node: two, LeaseRound(seconds: 60, claim: ["bakery"]))
            try await log.releaseLeases(node: one)
            #expect(try await log.leases() == [AccountLease(account: "bakery", node: two, epoch: 1)])
            let taken = try await log.leaseRound(node: two, LeaseRound(seconds: 60, claim: ["shop", "cafe"]))
            #expect(Set(taken) == [AccountLease(account: "bakery", node: two, epoch: 1), AccountLease(account: "cafe", node: two, epoch: 2), AccountLease(account: "shop", node: two, epoch: 2)])
        }
    }
}
