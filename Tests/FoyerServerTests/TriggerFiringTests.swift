import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// A trigger over real sockets: the server invites the tab on /pricing after 5 s on the
/// page (the tab's socket hears `invite`, dashboards see the invitation), never the tab on /.
@Suite("Trigger firing", .serialized)
struct TriggerFiringTests {
    @Test func pricingTabIsInvitedAfterFiveSecondsAndHomeTabIsNot() async throws {
        let clock = ManualClock()
        let server = try await TestServer.start(clock: clock)
        let (account, owner) = try await server.makeAccount("shop")
        let created = try await server.api(
            "POST", "/api/triggers", cookie: owner,
            body: #"{"name":"Pricing","message":"Questions about plans?","conditions":{"urlContains":"/pricing","secondsOnPage":5}}"#)
        #expect(created.status == 201)
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        let pricing = server.tracker(siteKey: account.siteKey)
        pricing.send(json: hello(tab: "tab-pricing-01", url: "https://shop.example/pricing", title: "Pricing"))
        #expect(try await pricing.next() == trackerOK)
        let home = server.tracker(siteKey: account.siteKey)
        home.send(json: hello(tab: "tab-home-0001", url: "https://shop.example/", title: "Home", vid: "browser-0002"))
        #expect(try await home.next() == trackerOK)

        // The pricing tab waits for its 5 s (evaluated again only then); the home tab waits for nothing.
        let pricingEntry = try #require(server.inspector.entry(of: account.id, tabID: "tab-pricing-01"))
        let homeEntry = try #require(server.inspector.entry(of: account.id, tabID: "tab-home-0001"))
        #expect(server.inspector.registry(of: account.id)?.triggerCheck(entryID: pricingEntry.id) == pricingEntry.pageSince + 5_000)
        #expect(server.inspector.registry(of: account.id)?.triggerCheck(entryID: homeEntry.id) == nil)
        #expect(pricingEntry.invitation == nil)
        clock.advance(millis: 5_500)
        let frame = try #require(try await pricing.next(timeout: .seconds(3)))
        let invite = try #require(try JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any])
        #expect(invite["t"] as? String == "invite")
        let inv = try #require(invite["inv"] as? [String: Any])
        #expect(inv["message"] as? String == "Questions about plans?" && inv["agent"] as? String == "Team")

        // Dashboards see it as the entry's invitation with its trigger.
        var seen: [String: Any]?
        for _ in 0..<10 {
            guard let message = try await feed.nextJSON(timeout: .seconds(3)) else { break }
            if let invitation = (message["set"] as? [String: Any])?["invitation"] as? [String: Any] { seen = invitation; break }
        }
        let trigger = try await server.store.triggers(accountID: account.id).first?.trigger.id
        #expect(seen?["trigger"] as? String == trigger && seen?["state"] as? String == "sent")
        #expect(server.inspector.entry(of: account.id, tabID: "tab-home-0001")?.invitation == nil, "the tab on / is never invited")
        await server.stop()
    }

    @Test func aSettingsPageAloneDoesNotWakeTheTriggers() async throws {
        let clock = ManualClock()
        let server = try await TestServer.start(clock: clock)
        let (account, owner) = try await server.makeAccount("shop")
        let created = try await server.api(
            "POST", "/api/triggers", cookie: owner, body: #"{"name":"Any page","message":"Hello","conditions":{"secondsOnPage":1}}"#)
        #expect(created.status == 201)
        // Only Settings is open: its feed follows the account but does not watch visitors.
        let settings = server.feed(cookie: owner, watches: false)
        #expect(try await settings.nextJSON()?["type"] as? String == "snapshot")
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-quiet-0001"))
        #expect(try await tab.next() == trackerOK)
        // A second tab's invitation by hand runs out in the tick that would invite the
        // first: its Expired on the feed says that tick has run.
        let other = server.tracker(siteKey: account.siteKey)
        other.send(json: hello(tab: "tab-quiet-0002", vid: "browser-0002"))
        #expect(try await other.next() == trackerOK)
        let otherID = try #require(server.inspector.entry(of: account.id, tabID: "tab-quiet-0002")?.id)
        let invited = try await server.api("POST", "/api/visitors/\(otherID)/invitation", cookie: owner, body: #"{"message":"Hi"}"#)
        #expect(invited.status == 201)
        clock.advance(millis: 301_000)
        _ = try await settings.nextJSON(matching: {
            (($0["set"] as? [String: Any])?["invitation"] as? [String: Any])?["state"] as? String == "expired"
        })
        #expect(server.inspector.entry(of: account.id, tabID: "tab-quiet-0001")?.invitation == nil, "no invitation while nobody watches")

        // A Visitors page opens: the tab that waited is invited.
        let visitors = server.feed(cookie: owner)
        _ = try await visitors.nextJSON()
        clock.advance(millis: 1_000)
        let frame = try #require(try await tab.next(timeout: .seconds(3)))
        #expect(frame.contains(#""t":"invite""#), "\(frame)")
        await server.stop()
    }
}
