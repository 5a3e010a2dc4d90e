import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// Idle and Block visitor (SPEC section 11) over real sockets against a real server.
@Suite("Idle and blocking over real sockets", .serialized)
struct IdleAndBlockTests {
    func next(_ socket: TestSocket, _ matches: ([String: Any]) -> Bool) async throws -> [String: Any] {
        try await socket.nextJSON(matching: matches)
    }

    func status(_ message: [String: Any]) -> String? { (message["set"] as? [String: Any])?["status"] as? String }

    func metric(_ server: TestServer, _ line: String) async throws -> Bool {
        try await RawHTTP.request(port: server.port, path: "/metrics").body.contains(line)
    }

    @Test func idleAndActiveFramesTurnTheEntryIdleAndBack() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-idle-00001"))
        #expect(try await tab.next() == trackerOK)
        _ = try await next(feed) { $0["type"] as? String == "added" }

        tab.send(json: ["t": "idle"])
        let idle = try await next(feed) { $0["type"] as? String == "changed" }
        #expect(status(idle) == "idle")
        #expect((idle["set"] as? [String: Any])?["inactiveSince"] == nil, "inactiveSince stays on the server")
        #expect(try await metric(server, #"foyer_entries{status="idle"} 1.0"#))
        #expect(try await metric(server, #"foyer_entries{status="online"} 0.0"#))
        // A new dashboard's snapshot shows it Idle, counted in Live Visitors.
        let late = server.feed(cookie: cookie)
        let snapshot = try #require(try await late.nextJSON())
        #expect(((snapshot["entries"] as? [[String: Any]])?.first)?["status"] as? String == "idle")
        #expect((snapshot["counters"] as? [String: Int])?["live"] == 1)

        tab.send(json: ["t": "active"])
        #expect(status(try await next(feed) { $0["type"] as? String == "changed" }) == "online")
        #expect(try await metric(server, #"foyer_entries{status="idle"} 0.0"#))
        #expect(try await metric(server, #"foyer_entries{status="online"} 1.0"#))
        await server.stop()
    }

    @Test func blockRemovesEveryTabOfTheBrowserRefusesItsHellosAndChatUntilUnblocked() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("agent@shop.example", role: .agent, of: account)
        let feeds = [server.feed(cookie: owner), server.feed(cookie: agent)]
        for feed in feeds { _ = try await feed.nextJSON() }
        // Two tabs of one browser, one of another.
        let first = server.tracker(siteKey: account.siteKey)
        first.send(json: hello(tab: "tab-block-0001", vid: "browser-bad-01"))
        #expect(try await first.next() == trackerOK)
        let second = server.tracker(siteKey: account.siteKey)
        second.send(json: hello(tab: "tab-block-0002", vid: "browser-bad-01"))
        #expect(try await second.next() == trackerOK)
        let other = server.tracker(siteKey: account.siteKey)
        other.send(json: hello(tab: "tab-block-0003", vid: "browser-good-1"))
        #expect(try await other.next() == trackerOK)
        var ids: [String] = []
        for _ in 0..<3 {
            let added = try await next(feeds[0]) { $0["type"] as? String == "added" }
            ids.append(try #require((added["entry"] as? [String: Any])?["id"] as? String))
        }

        // Agents may not block; another account's owner does not find the entry.
        #expect(try await server.api("POST", "/api/visitors/\(ids[0])/block", cookie: agent).status == 403)
        let (_, stranger) = try await server.makeAccount("other")
        #expect(try await server.api("POST", "/api/visitors/\(ids[0])/block", cookie: stranger).status == 404)
        let long = String(repeating: "x", count: 201)
        #expect(try await server.api("POST", "/api/visitors/\(ids[0])/block", cookie: owner, body: #"{"reason":"\#(long)"}"#).status == 400)
        #expect(try await server.api("GET", "/api/blocked", cookie: agent).status == 403)

        let blocked = try await server.api("POST", "/api/visitors/\(ids[0])/block", cookie: owner, body: #"{"reason":"spam <b>links</b>"}"#)
        #expect(blocked.status == 201)
        // Both tabs of the browser leave every dashboard at once; the other stays.
        for feed in feeds {
            var gone: Set<String> = []
            for _ in 0..<2 {
                let removed = try await next(feed) { $0["type"] as? String == "removed" }
                #expect(removed["reason"] as? String == "blocked")
                gone.insert(try #require(removed["id"] as? String))
            }
            #expect(gone == [ids[0], ids[1]])
        }
        #expect(try await first.next() == #"{"t":"off"}"#)
        #expect(try await second.next() == #"{"t":"off"}"#)
        #expect(server.registry(of: account.id)?.shownEntries.map(\.id) == [ids[2]])

        // Its chat messages are refused with a clear reason.
        first.send(json: ["t": "say", "cid": "cid-blocked01", "text": "hello?"])
        let refused = try await next(first) { $0["t"] as? String == "refused" }
        #expect(refused["reason"] as? String == "blocked")
        // A reload (a new tab too) is told off and never shown.
        let reload = server.tracker(siteKey: account.siteKey)
        reload.send(json: hello(tab: "tab-block-0004", vid: "browser-bad-01"))
        #expect(try await reload.next() == #"{"t":"off"}"#)

        // Settings lists it, without the key; another account cannot unblock it.
        let list = try await server.api("GET", "/api/blocked", cookie: owner)
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])?["blocked"] as? [[String: Any]])
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["visitor"] as? String == "Visitor 1" && row["reason"] as? String == "spam <b>links</b>")
        #expect(row["blockedBy"] as? String == "owner@shop.example")
        #expect((row["until"] as? Int64 ?? 0) - (row["blockedAt"] as? Int64 ?? 0) == 30 * 86_400_000)
        #expect(!list.body.contains("browser-bad-01") && row["browserHash"] == nil)
        let blockID = try #require(row["id"] as? String)
        #expect(try await server.api("DELETE", "/api/blocked/\(blockID)", cookie: stranger).status == 404)

        #expect(try await server.api("DELETE", "/api/blocked/\(blockID)", cookie: owner).status == 204)
        #expect(try await server.api("DELETE", "/api/blocked/\(blockID)", cookie: owner).status == 404)
        let back = server.tracker(siteKey: account.siteKey)
        back.send(json: hello(tab: "tab-block-0001", vid: "browser-bad-01"))
        #expect(try await back.next() == trackerOK)
        _ = try await next(feeds[0]) { $0["type"] as? String == "added" }
        await server.stop()
    }

    @Test func aBlockSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("foyer-block-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start(directory: directory)
        let (account, owner) = try await server.makeAccount("shop")
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-restart-01", vid: "browser-bad-02"))
        #expect(try await tab.next() == trackerOK)
        let id = try #require(server.registry(of: account.id)?.shownEntries.first?.id)
        #expect(try await server.api("POST", "/api/visitors/\(id)/block", cookie: owner, body: "").status == 201)
        await server.stop()

        let restarted = try await TestServer.start(directory: directory)
        let again = restarted.tracker(siteKey: account.siteKey)
        again.send(json: hello(tab: "tab-restart-02", vid: "browser-bad-02"))
        #expect(try await again.next() == #"{"t":"off"}"#)
        await restarted.stop()
    }
}
