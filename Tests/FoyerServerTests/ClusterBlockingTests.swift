import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// Idle and Block visitor across the nodes of a cluster on one PostgreSQL database.
@Suite("Idle and blocking across a cluster", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterBlockingTests {
    func next(_ socket: TestSocket, _ matches: ([String: Any]) -> Bool) async throws -> [String: Any] {
        try await socket.nextJSON(matching: matches)
    }

    @Test func idleAndABlockOnOneNodeApplyOnEveryNode() async throws {
        let (database, nodes) = try await TestCluster.start(2)
        let (account, owner) = try await nodes[0].makeAccount("shop")
        let feed = nodes[1].feed(cookie: owner)
        _ = try await feed.nextJSON()
        // Two tabs of one browser, one on each node.
        let tabs = [nodes[0].tracker(siteKey: account.siteKey), nodes[1].tracker(siteKey: account.siteKey)]
        for (index, tab) in tabs.enumerated() {
            tab.send(json: hello(tab: "tab-cluster-b\(index)", vid: "browser-bad-03"))
            #expect(try await tab.next() == trackerOK)
        }
        var ids: [String] = []
        for _ in 0..<2 {
            let added = try await next(feed) { $0["type"] as? String == "added" }
            ids.append(try #require((added["entry"] as? [String: Any])?["id"] as? String))
        }
        // Idle reported on node 0 reaches node 1's dashboard.
        tabs[0].send(json: ["t": "idle"])
        let idle = try await next(feed) { $0["type"] as? String == "changed" }
        #expect((idle["set"] as? [String: Any])?["status"] as? String == "idle")

        // Blocked through node 1: both tabs go, and node 0's tracker is told off too.
        #expect(try await nodes[1].api("POST", "/api/visitors/\(ids[0])/block", cookie: owner).status == 201)
        var gone: Set<String> = []
        for _ in 0..<2 {
            let removed = try await next(feed) { $0["type"] as? String == "removed" }
            #expect(removed["reason"] as? String == "blocked")
            gone.insert(try #require(removed["id"] as? String))
        }
        #expect(gone == Set(ids))
        for tab in tabs { #expect(try await tab.next() == #"{"t":"off"}"#) }
        // A later hello on either node is refused; chat from it too.
        let later = nodes[0].tracker(siteKey: account.siteKey)
        later.send(json: hello(tab: "tab-cluster-b9", vid: "browser-bad-03"))
        #expect(try await later.next() == #"{"t":"off"}"#)
        tabs[0].send(json: ["t": "say", "cid": "cid-cluster-01", "text": "hi"])
        #expect(try await next(tabs[0]) { $0["t"] as? String == "refused" }["reason"] as? String == "blocked")

        // Unblocked through node 0: node 1 welcomes the browser again.
        let list = try await nodes[0].api("GET", "/api/blocked", cookie: owner)
        let row = try #require(((try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])?["blocked"] as? [[String: Any]])?.first)
        #expect(try await nodes[0].api("DELETE", "/api/blocked/\(try #require(row["id"] as? String))", cookie: owner).status == 204)
        let back = nodes[1].tracker(siteKey: account.siteKey)
        back.send(json: hello(tab: "tab-cluster-b0", vid: "browser-bad-03"))
        #expect(try await back.next() == trackerOK)
        await TestCluster.stop(database, nodes)
    }
}
