import Foundation
import FoyerServer
import FoyerStore
import FoyerCore
import Testing

/// Tracker sockets and dashboard feeds over real sockets against a real server.
@Suite("Live tracking over real sockets", .serialized)
struct LiveTrackingTests {
    @Test func tabAppearsOnTheFeedSanitised() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        let snapshot = try #require(try await feed.nextJSON())
        #expect(snapshot["type"] as? String == "snapshot")
        #expect((snapshot["entries"] as? [Any])?.isEmpty == true)

        let tab = server.tracker(siteKey: account.siteKey, origin: "https://shop.example")
        var greeting = hello(tab: "tab-0000000001", url: "https://shop.example/cart?token=secret#pay", title: "Cart")
        greeting["ref"] = "https://search.example/?q=shoes"
        tab.send(json: greeting)
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)

        let added = try #require(try await feed.nextJSON())
        #expect(added["type"] as? String == "added")
        let entry = try #require(added["entry"] as? [String: Any])
        #expect(entry["name"] as? String == "Visitor 1")
        #expect(entry["url"] as? String == "https://shop.example/cart")
        #expect(entry["referrer"] as? String == "https://search.example/")
        #expect(entry["status"] as? String == "online")
        #expect(entry["tab"] == nil, "the tab identity never leaves the server")
        // No database configured: placed by the browser's timezone, marked as such.
        let location = try #require(entry["location"] as? [String: Any])
        #expect(location["city"] as? String == "Istanbul")
        #expect(location["country"] as? String == "Türkiye")
        #expect(location["countryCode"] as? String == "TR")
        #expect(location["source"] as? String == "timezone")
        let counters = try #require(try await feed.nextJSON())
        #expect((counters["counters"] as? [String: Int])?["live"] == 1)

        tab.send(json: ["t": "page", "url": "https://shop.example/pay", "title": "Pay"])
        let changed = try #require(try await feed.nextJSON())
        #expect(changed["type"] as? String == "changed")
        // Only what changed: the new page, not the whole entry and its history.
        #expect(changed["entry"] == nil)
        #expect((changed["set"] as? [String: Any])?["url"] as? String == "https://shop.example/pay")
        #expect((changed["set"] as? [String: Any])?["number"] == nil, "unchanged fields are left out")
        let pages = try #require(changed["pages"] as? [String: Any])
        #expect(pages["drop"] as? Int == 0 && pages["keep"] as? Int == 1)
        #expect(((pages["add"] as? [[String: Any]])?.map { $0["url"] as? String }) == ["https://shop.example/pay"])
        tab.send(json: ["t": "title", "title": "Pay (1)"])
        let retitled = try #require(try await feed.nextJSON())
        #expect((retitled["set"] as? [String: Any])?["title"] as? String == "Pay (1)")
        await server.stop()
    }

    @Test func reconnectResumesAndDisconnectTurnsOfflineAfterGrace() async throws {
        let clock = ManualClock()
        let server = try await TestServer.start(clock: clock)
        let (account, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()
        let first = server.tracker(siteKey: account.siteKey)
        first.send(json: hello(tab: "tab-resume-01"))
        _ = try await first.next()
        let added = try #require(try await feed.nextJSON())
        let id = try #require((added["entry"] as? [String: Any])?["id"] as? String)
        _ = try await feed.nextJSON()  // counters

        // Navigation: the old socket closes, a new one says hello with the same tab.
        first.close()
        _ = try await first.closed()
        let second = server.tracker(siteKey: account.siteKey)
        second.send(json: hello(tab: "tab-resume-01", url: "https://shop.example/next", title: "Next"))
        #expect(try await second.next() == #"{"t":"ok","r":1}"#)
        let resumed = try #require(try await feed.nextJSON())
        #expect(resumed["type"] as? String == "changed")
        #expect(resumed["id"] as? String == id)
        #expect((resumed["set"] as? [String: Any])?["number"] == nil, "the number stays")
        #expect((resumed["set"] as? [String: Any])?["url"] as? String == "https://shop.example/next")

        second.close()
        _ = try await second.closed()
        clock.advance(millis: 2_500)  // past the 2 s grace of the test server
        let offline = try #require(try await feed.nextJSON(timeout: .seconds(3)))
        #expect((offline["set"] as? [String: Any])?["status"] as? String == "offline")

        clock.advance(millis: 30 * 60_000)
        let removed = try #require(try await feed.nextJSON(timeout: .seconds(3)))
        #expect(removed["type"] as? String == "removed")
        #expect(removed["reason"] as? String == "expired")
        await server.stop()
    }

    @Test func limitQueuesTabsAndAdmitsThemInOrder() async throws {
        let clock = ManualClock()
        let server = try await TestServer.start(clock: clock) { $0.entryLimit = 1 }
        let (account, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()
        let one = server.tracker(siteKey: account.siteKey)
        one.send(json: hello(tab: "tab-limit-0001"))
        #expect(try await one.next() == #"{"t":"ok","r":1}"#)
        #expect(try await feed.nextJSON()?["type"] as? String == "added")
        _ = try await feed.nextJSON()  // counters
        let two = server.tracker(siteKey: account.siteKey)
        two.send(json: hello(tab: "tab-limit-0002", url: "https://shop.example/two"))
        #expect(try await two.next() == #"{"t":"wait","r":1}"#)
        #expect((try await feed.nextJSON()?["counters"] as? [String: Int])?["waiting"] == 1)

        // The first tab leaves; once Offline it gives its place to the waiting tab at
        // once (people who are there come before history), not after the retention.
        one.close()
        _ = try await one.closed()
        clock.advance(millis: 2_500)
        #expect(((try await feed.nextJSON(timeout: .seconds(3)))?["set"] as? [String: Any])?["status"] as? String == "offline")
        let madeRoom = try #require(try await feed.nextJSON())
        #expect(madeRoom["type"] as? String == "removed" && madeRoom["reason"] as? String == "made room")
        let admitted = try #require(try await feed.nextJSON())
        #expect(admitted["type"] as? String == "added")
        #expect((admitted["entry"] as? [String: Any])?["url"] as? String == "https://shop.example/two")
        #expect((admitted["entry"] as? [String: Any])?["number"] as? Int == 1)
        await server.stop()
    }

    /// Trackers of known keys are admitted from the hub's cache without the store: a
    /// rotated key must leave that cache at once.
    @Test func rotatingTheSiteKeyClosesTrackersAndRefusesTheOldKey() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-rotate-0001"))
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)

        let rotated = try await server.api("POST", "/api/settings/site-key", cookie: cookie)
        #expect(rotated.status == 200)
        let closed = try await tab.closed()
        #expect(closed.code == 4001 && closed.reason == "site key changed")
        let old = try await RawHTTP.upgrade(port: server.port, path: "/track?site=\(account.siteKey)")
        #expect(old.status == 404 && old.body == #"{"error":"unknown site key"}"#)

        let newKey = try #require(try await server.store.account(id: account.id)?.siteKey)
        #expect(newKey != account.siteKey)
        let again = server.tracker(siteKey: newKey)
        again.send(json: hello(tab: "tab-rotate-0001"))
        #expect(try await again.next() == #"{"t":"ok","r":1}"#, "the tab resumes under the new key")
        await server.stop()
    }

    @Test func accountsAreIsolated() async throws {
        let server = try await TestServer.start()
        let (shop, shopCookie) = try await server.makeAccount("shop")
        let (_, otherCookie) = try await server.makeAccount("other")
        let otherFeed = server.feed(cookie: otherCookie)
        _ = try await otherFeed.nextJSON()
        let shopFeed = server.feed(cookie: shopCookie)
        _ = try await shopFeed.nextJSON()
        let tab = server.tracker(siteKey: shop.siteKey)
        tab.send(json: hello(tab: "tab-isolated-1"))
        _ = try await tab.next()
        #expect(try await shopFeed.nextJSON()?["type"] as? String == "added")
        // The other account's feed hears nothing of it.
        await #expect(throws: TestTimeout.self) { try await otherFeed.next(timeout: .milliseconds(500)) }
        await server.stop()
    }

    @Test func restartKeepsEntriesAndNumbers() async throws {
        let first = try await TestServer.start()
        let (account, cookie) = try await first.makeAccount("shop")
        var ids: [String] = []
        for index in 1...3 {
            let tab = first.tracker(siteKey: account.siteKey)
            tab.send(json: hello(tab: "tab-restart-\(index)x"))
            _ = try await tab.next()
        }
        let feed = first.feed(cookie: cookie)
        let snapshot = try #require(try await feed.nextJSON())
        for case let entry as [String: Any] in snapshot["entries"] as? [Any] ?? [] { ids.append(entry["id"] as? String ?? "") }
        #expect(ids.count == 3)
        try await Task.sleep(for: .milliseconds(200))  // the writer commits every few milliseconds
        await first.stop()

        let second = try await TestServer.start(directory: first.directory)
        let response = try await RawHTTP.request(
            port: second.port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
            body: #"{"email":"owner@shop.example","password":"\#(TestServer.password)"}"#)
        let cookie2 = String(response.headers["set-cookie"]?.split(separator: ";").first ?? "")
        let again = second.feed(cookie: cookie2)
        let restored = try #require(try await again.nextJSON())
        let entries = (restored["entries"] as? [[String: Any]]) ?? []
        #expect(Set(entries.compactMap { $0["id"] as? String }) == Set(ids))
        #expect(Set(entries.compactMap { $0["number"] as? Int }) == [1, 2, 3])
        #expect(entries.allSatisfy { $0["status"] as? String == "online" }, "restart must not flash Offline")
        // The same tab resumes its entry: no new entry appears.
        let tab = second.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-restart-2x"))
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)
        await #expect(throws: TestTimeout.self) { try await again.next(timeout: .milliseconds(500)) }
        await second.stop()
    }
}
