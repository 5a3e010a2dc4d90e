import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// Several servers on one PostgreSQL database: one live state across nodes.
@Suite("Cluster of nodes on one PostgreSQL database", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterTests {
    /// What `read` returns once it equals `expected`, or after 5 s: each node applies the
    /// log on its own, so another node may be a moment behind the one a test heard from.
    private static func settled<T: Equatable>(_ expected: T, _ read: () -> T) async throws -> T {
        try await TestCluster.eventually(within: .seconds(5), { read() }, until: { $0 == expected })
    }

    @Test func aTabOnOneNodeShowsOnADashboardOfAnother() async throws {
        let (database, nodes) = try await TestCluster.start(3)
        let (account, cookie) = try await nodes[0].makeAccount("shop")
        let feed = nodes[1].feed(cookie: cookie)
        #expect(try await feed.nextJSON()?["type"] as? String == "snapshot")

        let tab = nodes[2].tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-cluster-0001", url: "https://shop.example/", title: "Home"))
        #expect(try await tab.next() == trackerOK)
        let added = try #require(try await feed.nextJSON())
        #expect(added["type"] as? String == "added")
        #expect((added["entry"] as? [String: Any])?["name"] as? String == "Visitor 1")
        _ = try await feed.nextJSON()  // counters

        tab.send(json: ["t": "page", "url": "https://shop.example/cart", "title": "Cart"])
        let changed = try #require(try await feed.nextJSON())
        #expect((changed["set"] as? [String: Any])?["url"] as? String == "https://shop.example/cart")

        // The same tab reconnecting through another node resumes its entry.
        tab.close()
        _ = try await tab.closed()
        let again = nodes[0].tracker(siteKey: account.siteKey)
        again.send(json: hello(tab: "tab-cluster-0001", url: "https://shop.example/cart", title: "Cart"))
        #expect(try await again.next() == trackerOK)
        let entries = nodes.map { $0.registry(of: account.id)?.shownEntries.map(\.number) }
        #expect(entries == [[1], [1], [1]], "every node holds the same single entry")

        // Each node reports the log position it applied; one of them leads (within ~1 s).
        var leaders = 0
        for _ in 0..<30 {
            var texts: [String] = []
            for node in nodes { texts.append(try await RawHTTP.request(port: node.port, path: "/metrics").body) }
            for text in texts {
                let position = text.split(separator: "\n").first { $0.hasPrefix("foyer_cluster_position ") }
                #expect(position.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 > 0 } == true, "\(text)")
                #expect(text.contains("foyer_cluster_append_seconds_count"))
            }
            leaders = texts.filter { $0.split(separator: "\n").contains { $0 == "foyer_cluster_leader 1.0" || $0 == "foyer_cluster_leader 1" } }.count
            if leaders == 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(leaders == 1)
        await TestCluster.stop(database, nodes)
    }

    @Test func numbersStayUniqueAndTheLimitHoldsUnderConcurrentTabsOnThreeNodes() async throws {
        let clock = ManualClock()
        let limit = 12
        let (database, nodes) = try await TestCluster.start(3, clock: clock) {
            $0.entryLimit = limit
            $0.addressSharePercent = 100  // every tab here comes from one address
        }
        let (account, cookie) = try await nodes[0].makeAccount("shop")
        let feeds = nodes.map { $0.feed(cookie: cookie) }
        let watchers = feeds.enumerated().map { index, feed in
            Task { () -> FeedModel in
                var model = FeedModel(limit: limit)
                while let message = try? await feed.nextJSON(timeout: .seconds(4)) { model.apply(message, node: "node \(index)") }
                return model
            }
        }

        // 36 tabs arrive at once, spread over the nodes: 12 shown, 24 wait.
        var tabs: [(socket: TestSocket, tab: String)] = []
        for index in 0..<36 {
            let tab = "tab-stress-\(String(format: "%04d", index))"
            tabs.append((nodes[index % 3].tracker(siteKey: account.siteKey), tab))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (socket, tab) in tabs {
                group.addTask {
                    socket.send(json: hello(tab: tab, url: "https://shop.example/\(tab)"))
                    _ = try await socket.next(timeout: .seconds(10))
                }
            }
            try await group.waitForAll()
        }
        // Churn: a third of the tabs leave and come back through another node, others navigate.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in stride(from: 0, to: 36, by: 3) {
                let (socket, tab) = tabs[index]
                group.addTask {
                    socket.close()
                    _ = try await socket.closed()
                    let again = nodes[(index + 1) % 3].tracker(siteKey: account.siteKey)
                    again.send(json: hello(tab: tab, url: "https://shop.example/\(tab)/back"))
                    _ = try await again.next(timeout: .seconds(10))
                    again.close()
                    _ = try await again.closed()
                }
            }
            for index in stride(from: 1, to: 36, by: 3) {
                let (socket, tab) = tabs[index]
                group.addTask { socket.send(json: ["t": "page", "url": "https://shop.example/\(tab)/next", "title": "Next"]) }
            }
            try await group.waitForAll()
        }
        // Those that left go Offline, then expire: waiting tabs take the freed numbers.
        clock.advance(millis: 3_000)
        try await Task.sleep(for: .seconds(2))
        clock.advance(millis: 31 * 60_000)
        try await Task.sleep(for: .seconds(2))

        var models: [FeedModel] = []
        for watcher in watchers { models.append(await watcher.value) }
        #expect(models[0].numbers.count == limit, "the freed places were taken by waiting tabs")
        #expect(Set(models[0].numbers.values) == Set(1...limit))
        #expect(models[0].numbers == models[1].numbers && models[1].numbers == models[2].numbers, "every dashboard shows the same entries")
        let registries = nodes.map { $0.registry(of: account.id)?.shownEntries.map { "\($0.id)=\($0.number)" }.sorted() }
        #expect(registries[0] == registries[1] && registries[1] == registries[2], "every node holds the same state")
        for (socket, _) in tabs { socket.close() }
        await TestCluster.stop(database, nodes)
    }

    /// The node that opens an account's live state sets its rules for every node, and a
    /// node started later with other rules replaces them: nodes started with different
    /// options still compute one state.
    @Test func oneSetOfRulesHoldsOnEveryNode() async throws {
        let database = try await ScratchDatabase.create()
        let clock = ManualClock()
        var nodes: [TestServer] = []
        for limit in [3, 10] {
            nodes.append(try await TestServer.start(clock: clock, store: try await database.open()) { $0.entryLimit = limit })
        }
        let (account, _) = try await nodes[0].makeAccount("shop")
        var tabs: [TestSocket] = []
        var replies: [String?] = []
        // The first tab opens the account on the node with limit 3; the rest arrive on the other.
        for index in 0..<5 {
            let socket = nodes[index == 0 ? 0 : 1].tracker(siteKey: account.siteKey)
            socket.send(json: hello(tab: "tab-rules-\(index)000000"))
            replies.append(try await socket.next())
            tabs.append(socket)
        }
        #expect(replies == Array(repeating: trackerOK, count: 3) + Array(repeating: trackerWait, count: 2))
        for node in nodes {
            let expected = Counters(live: 3, chats: 0, waiting: 2)
            #expect(try await Self.settled(expected) { node.registry(of: account.id)?.counters } == expected)
        }
        // A node started later with limit 4 (a rolling restart with a new option): its
        // rules apply to every node, and one waiting tab is let in.
        nodes.append(try await TestServer.start(clock: clock, store: try await database.open()) { $0.entryLimit = 4 })
        for node in nodes {
            let expected = Counters(live: 4, chats: 0, waiting: 1)
            #expect(try await Self.settled(expected) { node.registry(of: account.id)?.counters } == expected)
            #expect(node.registry(of: account.id)?.configuration.entryLimit == 4)
        }
        for tab in tabs { tab.close() }
        await TestCluster.stop(database, nodes)
    }

    @Test func aNodeStartedLaterLoadsTheSnapshotAndTheLogAfterIt() async throws {
        let (database, nodes) = try await TestCluster.start(1) {
            $0.cluster.snapshotInterval = .milliseconds(500)
        }
        let (account, cookie) = try await nodes[0].makeAccount("shop")
        var tabs: [TestSocket] = []
        for index in 0..<5 {
            let socket = nodes[0].tracker(siteKey: account.siteKey)
            socket.send(json: hello(tab: "tab-snap-\(index)000000"))
            #expect(try await socket.next() == trackerOK)
            tabs.append(socket)
        }
        // Two rounds of account snapshots later the log before the first is pruned: a new
        // node must start from the account's snapshot.
        try await Task.sleep(for: .seconds(3))
        let late = try await TestServer.start(clock: nodes[0].clock, store: try await database.open())
        let feed = late.feed(cookie: cookie)
        let snapshot = try #require(try await feed.nextJSON())
        let numbers = (snapshot["entries"] as? [[String: Any]])?.compactMap { $0["number"] as? Int }.sorted()
        #expect(numbers == [1, 2, 3, 4, 5])
        // And it follows the log from there.
        let sixth = late.tracker(siteKey: account.siteKey)
        sixth.send(json: hello(tab: "tab-snap-6000000"))
        #expect(try await sixth.next() == trackerOK)
        let added = try #require(try await feed.nextJSON())
        #expect((added["entry"] as? [String: Any])?["number"] as? Int == 6)
        #expect(try await Self.settled(6) { nodes[0].registry(of: account.id)?.shownEntries.count } == 6)
        for tab in tabs { tab.close() }
        sixth.close()
        await TestCluster.stop(database, nodes + [late])
    }

    @Test func aCrashedNodesTabsTurnOfflineOnTheOthers() async throws {
        let clock = ManualClock()
        let (database, nodes) = try await TestCluster.start(2, clock: clock)
        let (account, cookie) = try await nodes[0].makeAccount("shop")
        let feed = nodes[0].feed(cookie: cookie)
        _ = try await feed.nextJSON()
        let tab = nodes[1].tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-crash-000001"))
        #expect(try await tab.next() == trackerOK)
        #expect(try await feed.nextJSON()?["type"] as? String == "added")
        _ = try await feed.nextJSON()  // counters

        await nodes[1].stop()  // no goodbye: its heartbeats just stop
        // Declared gone after 2 s of silence; then the tab's 2 s grace runs on the clock.
        var status = ""
        for _ in 0..<20 where status != "offline" {
            clock.advance(millis: 1_000)
            if let message = try? await feed.nextJSON(timeout: .seconds(1)),
                let entry = message["set"] as? [String: Any]
            {
                status = entry["status"] as? String ?? ""
            }
        }
        #expect(status == "offline")
        await TestCluster.stop(database, nodes)
    }

    /// An agent on node A invites a visitor whose tab is on node B: B's tab hears it,
    /// every node's registry holds the same invitation, and the reply through B starts
    /// the chat that A's dashboard sees as Chatting with the invitation Accepted.
    @Test func anInvitationMadeOnOneNodeReachesATabOnAnother() async throws {
        let (database, nodes) = try await TestCluster.start(2)
        let (account, cookie) = try await nodes[0].makeAccount("shop")
        let feed = nodes[0].feed(cookie: cookie)
        #expect(try await feed.nextJSON()?["type"] as? String == "snapshot")
        let tab = nodes[1].tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-cluster-inv1", url: "https://shop.example/pricing", title: "Pricing"))
        #expect(try await tab.next() == trackerOK)
        let added = try #require(try await feed.nextJSON())
        let entryID = try #require((added["entry"] as? [String: Any])?["id"] as? String)

        let made = try await nodes[0].api("POST", "/api/visitors/\(entryID)/invitation", cookie: cookie, body: #"{"message":"Hello from node A"}"#)
        #expect(made.status == 201, "\(made.body)")
        let invite = try #require(try await tab.nextJSON())
        #expect(invite["t"] as? String == "invite" && (invite["inv"] as? [String: Any])?["message"] as? String == "Hello from node A")
        let states = try await Self.settled(["sent", "sent"]) {
            nodes.map { $0.registry(of: account.id)?.entry(id: entryID)?.invitation?.state.rawValue ?? "-" }
        }
        #expect(states == ["sent", "sent"], "both nodes hold the invitation")

        tab.send(json: ["t": "say", "cid": "cid-cluster-01", "text": "Hi A"])
        var accepted = false
        for _ in 0..<20 {
            guard let message = try await feed.nextJSON() else { break }
            if let set = message["set"] as? [String: Any], set["status"] as? String == "chatting" {
                accepted = (set["invitation"] as? [String: Any])?["state"] as? String == "accepted"
                break
            }
        }
        #expect(accepted, "node A's dashboard sees Chatting and Accepted")
        await TestCluster.stop(database, nodes)
    }
}
