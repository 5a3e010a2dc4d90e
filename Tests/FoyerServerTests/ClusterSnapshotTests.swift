import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// Snapshots per account: each owner writes its changed accounts, the leader prunes the
/// log behind them, and a node joining later rebuilds every account exactly, including an
/// account opened after the last snapshots (its history is still in the log).
@Suite("Account snapshots across nodes", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterSnapshotTests {
    private static func state(_ node: TestServer, _ account: String) -> [String] {
        (node.registry(of: account)?.shownEntries ?? []).map { "\($0.number) \($0.id) \($0.status) \($0.url)" }.sorted()
    }

    @Test func aLateNodeRebuildsEveryAccountFromItsSnapshotAndThePrunedLog() async throws {
        let clock = ManualClock()
        let (database, nodes) = try await TestCluster.start(2, clock: clock) { $0.cluster.snapshotInterval = .milliseconds(300) }
        let log = try #require(nodes[0].store.liveLog)
        var accounts: [Account] = []
        var tabs: [TestSocket] = []
        for index in 0..<4 {
            let (account, _) = try await nodes[0].makeAccount("shop\(index)")
            accounts.append(account)
            for tab in 0..<3 {
                let socket = nodes[(index + tab) % 2].tracker(siteKey: account.siteKey)
                socket.send(json: hello(tab: "tab-snap-\(index)-\(tab)-000", url: "https://shop.example/\(tab)"))
                #expect(try await socket.next() == trackerOK)
                tabs.append(socket)
            }
        }
        // Every account gets a snapshot from its owner, and the log behind them goes.
        let written = try await TestCluster.eventually({ try await log.accountSnapshotPositions() }, until: { $0.count == 4 })
        #expect(Set(written.keys) == Set(accounts.map(\.id)))
        let bounds = try await TestCluster.eventually({ try await log.bounds() }, until: { ($0.first ?? .max) > (written.values.min() ?? 0) })
        #expect((bounds.first ?? .max) > 1, "the log was pruned: \(bounds)")

        // Quiet accounts are not written again (ticks alone change nothing).
        try await Task.sleep(for: .milliseconds(700))  // a round already in flight lands
        let settled = try await log.accountSnapshotPositions()
        try await Task.sleep(for: .seconds(1))  // three more rounds
        #expect(try await log.accountSnapshotPositions() == settled, "nothing changed, nothing rewritten")

        // After the snapshots: pages change, a tab leaves, and a fifth account opens.
        tabs[0].send(json: ["t": "page", "url": "https://shop.example/after", "title": "After"])
        tabs[4].close()
        let (late, _) = try await nodes[1].makeAccount("late")
        accounts.append(late)
        let lateTab = nodes[1].tracker(siteKey: late.siteKey)
        lateTab.send(json: hello(tab: "tab-snap-late-000"))
        #expect(try await lateTab.next() == trackerOK)
        clock.advance(millis: 3_000)  // past the 2 s grace: the tab that left turns Offline
        let offline = try await TestCluster.eventually({ Self.state(nodes[0], accounts[1].id) }, until: { $0.contains { $0.contains("offline") } })
        #expect(offline.contains { $0.contains("offline") })
        #expect(try await TestCluster.eventually({ Self.state(nodes[0], accounts[0].id) }, until: { $0.contains { $0.hasSuffix("/after") } }).count == 3)

        let joined = try await TestCluster.addNode(to: database, clock: clock)
        for account in accounts {
            let expected = Self.state(nodes[0], account.id)
            #expect(!expected.isEmpty)
            let rebuilt = try await TestCluster.eventually({ Self.state(joined, account.id) }, until: { $0 == expected })
            #expect(rebuilt == expected, "account \(account.name) rebuilt exactly")
        }
        for tab in tabs + [lateTab] { tab.close() }
        await joined.stop()
        await TestCluster.stop(database, nodes)
    }
}
