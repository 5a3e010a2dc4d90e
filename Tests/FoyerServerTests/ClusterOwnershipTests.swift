import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// Account ownership across real nodes on one PostgreSQL database: every account has one
/// owner, the node rendezvous hashing prefers; a crashed owner's accounts move to the
/// others within seconds with their once-a-second work; a node joining takes only its share.
@Suite("Account ownership across nodes", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterOwnershipTests {
    /// The leases once `done` holds of them (leases last 2 s and are renewed each second,
    /// so a change of hands takes a few seconds).
    private static func leases(_ log: any LiveLog, until done: ([AccountLease]) -> Bool) async throws -> [AccountLease] {
        try await TestCluster.eventually({ try await log.leases() }, until: done)
    }

    /// Whether each of `accounts` is held by the node it prefers among `nodes`.
    private static func preferred(_ leases: [AccountLease], _ accounts: [String], among nodes: [Int64]) -> Bool {
        let holders = Dictionary(leases.map { ($0.account, $0.node) }, uniquingKeysWith: { first, _ in first })
        return accounts.allSatisfy { holders[$0] != nil && holders[$0] == RendezvousHash.preferred(for: $0, among: nodes) }
    }

    /// Accounts with a tab each on `node`, so every node has them open (keep the tabs).
    private static func accounts(_ count: Int, on node: TestServer) async throws -> [(account: Account, cookie: String, tab: TestSocket)] {
        var made: [(Account, String, TestSocket)] = []
        for index in 0..<count {
            let (account, cookie) = try await node.makeAccount("shop\(index)")
            let tab = node.tracker(siteKey: account.siteKey)
            tab.send(json: hello(tab: "tab-owner-\(index)-0001"))
            #expect(try await tab.next() == trackerOK)
            made.append((account, cookie, tab))
        }
        return made
    }

    @Test func aCrashedOwnersAccountsMoveToTheOthersWithTheirOnceASecondWork() async throws {
        let clock = ManualClock()
        let (database, nodes) = try await TestCluster.start(3, clock: clock)
        let made = try await Self.accounts(9, on: nodes[0])
        let ids = nodes.map { $0.inspector.cluster?.node ?? 0 }
        let accounts = made.map(\.account.id)
        let log = try #require(nodes[0].store.liveLog)

        let before = try await Self.leases(log) { Self.preferred($0, accounts, among: ids) }
        #expect(Self.preferred(before, accounts, among: ids), "each account is owned by its preferred node: \(before)")
        #expect(before.allSatisfy { $0.epoch == 1 })
        // The node (other than the one with the tabs) that owns the most accounts crashes.
        let victim = [1, 2].max { a, b in before.filter { $0.node == ids[a] }.count < before.filter { $0.node == ids[b] }.count }!
        let moved = before.filter { $0.node == ids[victim] }.map(\.account)
        let watched = try #require(made.first { moved.contains($0.account.id) }, "node \(ids[victim]) owns something")
        let feed = nodes[0].feed(cookie: watched.cookie)
        _ = try await feed.nextJSON()  // snapshot

        await nodes[victim].stop()  // no goodbye, no release: its leases must lapse
        let survivors = ids.filter { $0 != ids[victim] }
        let after = try await Self.leases(log) { Self.preferred($0, accounts, among: survivors) }
        #expect(Self.preferred(after, accounts, among: survivors), "the survivors own every account: \(after)")
        for lease in after {
            // Accounts that stayed were never interrupted; those that moved changed hands
            // (once, or twice when a survivor adopted one before its preferred node claimed it).
            if moved.contains(lease.account) { #expect(lease.epoch >= 2, "\(lease)") } else { #expect(lease.epoch == 1, "\(lease)") }
        }

        // The new owner ticks for the moved account: its tab leaving ends in Offline after
        // the 2 s grace on the shared clock, which only a tick can decide.
        let numbers = nodes[0].registry(of: watched.account.id)?.shownEntries.map(\.number)
        #expect(numbers == [1], "the entry kept its number")
        let tab = nodes[0].tracker(siteKey: watched.account.siteKey)
        tab.send(json: hello(tab: "tab-owner-extra-0001"))
        #expect(try await tab.next() == trackerOK)
        tab.close()
        var status = ""
        for _ in 0..<20 where status != "offline" {
            clock.advance(millis: 1_000)
            while let message = try? await feed.nextJSON(timeout: .milliseconds(700)) {
                if let entry = message["set"] as? [String: Any], entry["status"] as? String == "offline" { status = "offline" }
            }
        }
        #expect(status == "offline")
        #expect(nodes[0].registry(of: watched.account.id)?.shownEntries.map(\.number).sorted() == [1, 2], "no number given twice")
        for (_, _, other) in made { other.close() }
        await TestCluster.stop(database, nodes)
    }

    @Test func aJoiningNodeTakesOnlyItsShareAndAStoppingOneHandsItBack() async throws {
        let clock = ManualClock()
        let (database, first) = try await TestCluster.start(2, clock: clock)
        let made = try await Self.accounts(24, on: first[0])
        let accounts = made.map(\.account.id)
        let log = try #require(first[0].store.liveLog)
        let two = first.map { $0.inspector.cluster?.node ?? 0 }
        let before = try await Self.leases(log) { Self.preferred($0, accounts, among: two) }
        #expect(Self.preferred(before, accounts, among: two), "\(before)")

        let joined = try await TestCluster.addNode(to: database, clock: clock)
        let three = two + [joined.inspector.cluster?.node ?? 0]
        let shared = try await Self.leases(log) { Self.preferred($0, accounts, among: three) }
        #expect(Self.preferred(shared, accounts, among: three), "\(shared)")
        let share = accounts.filter { RendezvousHash.preferred(for: $0, among: three) == three[2] }
        try #require(!share.isEmpty, "the new node wins some of 24 accounts")
        for lease in shared {
            // Only the new node's share changed hands; the rest kept their owner throughout.
            if share.contains(lease.account) { #expect(lease.epoch >= 2, "\(lease)") } else { #expect(lease.epoch == 1, "\(lease)") }
        }

        // A graceful stop releases at once: the moment it has stopped, it holds no lease
        // (one left to lapse would still be valid for up to 2 s).
        await joined.stopGracefully()
        #expect(try await log.leases().allSatisfy { $0.node != three[2] }, "released, not left to lapse")
        let back = try await Self.leases(log) { Self.preferred($0, accounts, among: two) }
        #expect(Self.preferred(back, accounts, among: two), "\(back)")
        for lease in back {
            if share.contains(lease.account) { #expect(lease.epoch >= 3, "\(lease)") } else { #expect(lease.epoch == 1, "\(lease)") }
        }
        for (_, _, tab) in made { tab.close() }
        await TestCluster.stop(database, first)
    }
}
