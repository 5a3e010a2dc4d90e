import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// Every node of a cluster applies an automatic invitation's outcome and reports it; the
/// trigger's counts still go up once per outcome.
@Suite("Trigger counts across a cluster", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterTriggerCountTests {
    @Test func eachOutcomeIsCountedOnceWhateverTheNodes() async throws {
        let clock = ManualClock()
        let (database, nodes) = try await TestCluster.start(3, clock: clock)
        let (account, owner) = try await nodes[0].makeAccount("shop")
        let created = try await nodes[0].api(
            "POST", "/api/triggers", cookie: owner, body: #"{"name":"Pricing","message":"Questions?","conditions":{"urlContains":"/pricing"}}"#)
        #expect(created.status == 201)
        let feed = nodes[0].feed(cookie: owner)
        _ = try await feed.nextJSON()
        let tab = nodes[1].tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-count-0001", url: "https://shop.example/pricing", title: "Pricing"))
        #expect(try await tab.next() == trackerOK)
        // The leader's next tick evaluates the trigger.
        var invite: [String: Any]?
        for _ in 0..<20 where invite == nil {
            clock.advance(millis: 1_000)
            invite = try await tab.nextJSON(timeout: .seconds(2))
        }
        let id = try #require((invite?["inv"] as? [String: Any])?["id"] as? String)
        tab.send(json: ["t": "invite-seen", "inv": id])
        tab.send(json: ["t": "invite-dismiss", "inv": id])

        var counts: (Int, Int, Int) = (0, 0, 0)
        for _ in 0..<50 {
            if let record = try await nodes[2].store.triggers(accountID: account.id).first {
                counts = (record.shown, record.accepted, record.dismissed)
                if counts.2 > 0 { break }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // Give every node time to report it too.
        try await Task.sleep(for: .milliseconds(500))
        let record = try #require(try await nodes[2].store.triggers(accountID: account.id).first)
        #expect((record.shown, record.accepted, record.dismissed) == (1, 0, 1), "three nodes report it, the store counts it once")
        await TestCluster.stop(database, nodes)
    }
}
