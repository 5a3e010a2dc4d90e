import Foundation
import FoyerCore
@testable import FoyerStore
import HTTPTypes
import Testing

@testable import FoyerServer

/// Who is there (issue 18) over real sockets: the script API's frames, refusals,
/// device, campaign, visits and the Remember returning visitors switch.
@Suite("Visitor profiles over real sockets", .serialized)
struct ProfileSocketTests {
    static let androidChrome =
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36"

    private func tracker(_ server: TestServer, _ account: Account, userAgent: String? = nil) -> TestSocket {
        var headers: HTTPFields = [:]
        if let userAgent { headers[.userAgent] = userAgent }
        return TestSocket(url: "\(server.socketURL)/track?site=\(account.siteKey)", headers: headers)
    }

    private func secret(_ server: TestServer, cookie: String) async throws -> String {
        let response = try await server.api("GET", "/api/settings", cookie: cookie)
        let settings = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
        return try #require(settings["identitySecret"] as? String)
    }

    @Test func identityAttributesAndEventsReachTheFeedAndFollowTheTab() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let secret = try await secret(server, cookie: cookie)
        #expect(secret.count == 64 && secret.allSatisfy(\.isHexDigit))
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()

        let tab = tracker(server, account, userAgent: Self.androidChrome)
        tab.send(json: hello(tab: "tab-profile-01", url: "https://shop.example/landing?utm_source=news&token=secret&utm_campaign=xmas"))
        #expect(try await tab.next() == trackerOK)
        let addedText = try #require(try await feed.next())
        #expect(!addedText.contains("secret"), "no other query parameter reaches a dashboard")
        let added = try #require(try JSONSerialization.jsonObject(with: Data(addedText.utf8)) as? [String: Any])
        let entry = try #require(added["entry"] as? [String: Any])
        #expect(entry["device"] as? [String: String] == ["type": "mobile", "browser": "Chrome 131", "os": "Android 10"])
        let campaign = try #require(entry["campaign"] as? [String: Any])
        #expect(campaign["source"] as? String == "news" && campaign["campaign"] as? String == "xmas" && campaign["medium"] is NSNull)
        #expect(entry["visits"] as? Int == 1, "a browser seen for the first time: its first visit")
        #expect(entry["profile"] is NSNull)
        #expect((entry["events"] as? [Any])?.isEmpty == true)
        _ = try await feed.nextJSON()  // counters

        tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-42","name":"Ada \u202eLovelace","email":"ada@example.com","hash":"\#(identityHash("cust-42", secret: secret))"}}"#)
        let identified = try #require(try await feed.nextJSON())
        let profile = try #require((identified["set"] as? [String: Any])?["profile"] as? [String: Any])
        #expect(profile["name"] as? String == "Ada Lovelace", "the bidi override is dropped")
        #expect(profile["email"] as? String == "ada@example.com")
        #expect(profile["verified"] as? Bool == true)

        tab.send(#"{"t":"api","c":"set","a":{"plan":"gold","seats":3,"trial":false}}"#)
        let set = try #require(try await feed.nextJSON())
        let attributes = try #require(((set["set"] as? [String: Any])?["profile"] as? [String: Any])?["attributes"] as? [[String: Any]])
        #expect(attributes.map { $0["name"] as? String } == ["plan", "seats", "trial"])
        #expect(attributes[1]["value"] as? Int == 3)
        #expect(attributes[2]["value"] as? Bool == false)

        tab.send(#"{"t":"api","c":"track","a":"signed-up"}"#)
        let tracked = try #require(try await feed.nextJSON())
        #expect(((tracked["set"] as? [String: Any])?["events"] as? [[String: Any]])?.first?["name"] as? String == "signed-up")

        // Broken rules: a refusal on the socket and nothing on the feed.
        let many = (0..<28).map { "\"k\($0)\":1" }.joined(separator: ",")
        tab.send(#"{"t":"api","c":"set","a":{\#(many)}}"#)
        let refusal = try await tab.next()
        #expect(refusal == #"{"t":"refused","c":"set","reason":"too many attributes (max 30)"}"#, "\(String(describing: refusal))")
        tab.send(#"{"t":"api","c":"set","a":{"<b>":"x"}}"#)
        #expect(try await tab.nextJSON()?["reason"] as? String == ProfileRules.nameRule)
        tab.send(#"{"t":"api","c":"set","a":{"plan":{"nested":1}}}"#)
        #expect(try await tab.nextJSON()?["reason"] as? String == "values must be strings, numbers or booleans (plan: object)")
        tab.send(#"{"t":"api","c":"identify","a":{"name":"No id"}}"#)
        #expect(try await tab.nextJSON()?["reason"] as? String == "id is required")
        tab.send(#"{"t":"api","c":"track","a":""}"#)
        #expect(try await tab.nextJSON()?["c"] as? String == "track")
        tab.send(#"{"t":"api","c":"launch","a":1}"#)
        #expect(try await tab.nextJSON()?["reason"] as? String == "unknown command (identify, set or track)")

        // A reload: a new socket, the same tab. Identity and attributes stay on the entry.
        tab.close()
        _ = try await tab.closed()
        let again = tracker(server, account, userAgent: Self.androidChrome)
        again.send(json: hello(tab: "tab-profile-01", url: "https://shop.example/next?utm_source=other"))
        #expect(try await again.next() == trackerOK)
        let resumed = try #require(try await feed.nextJSON())
        let changedKeys = Set(((resumed["set"] as? [String: Any]) ?? [:]).keys)
        #expect(changedKeys.isDisjoint(with: ["profile", "campaign", "events", "refused"]), "nothing refused above changed anything; a resumed entry keeps its campaign")
        let kept = try #require(server.entry(of: account.id, tabID: "tab-profile-01"))
        #expect(kept.profile?.name == "Ada Lovelace" && kept.profile?.verified == true)
        #expect(kept.profile?.attributes.count == 3)
        #expect(kept.campaign?.source == "news")
        #expect(!EntryRecordJSON.encode(kept).contains("secret"), "what the store keeps has no other parameter")
        await server.stop()
    }

    @Test func aWrongOrMissingHashIsUnverified() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let secret = try await secret(server, cookie: cookie)
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()
        let tab = tracker(server, account)
        tab.send(json: hello(tab: "tab-profile-02"))
        _ = try await tab.next()
        _ = try await feed.nextJSON()
        _ = try await feed.nextJSON()
        tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-42","hash":"\#(identityHash("cust-43", secret: secret))"}}"#)
        let wrong = try #require(try await feed.nextJSON())
        #expect(((wrong["set"] as? [String: Any])?["profile"] as? [String: Any])?["verified"] as? Bool == false)
        tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-42","hash":"\#(identityHash("cust-42", secret: secret))"}}"#)
        let right = try #require(try await feed.nextJSON())
        #expect(((right["set"] as? [String: Any])?["profile"] as? [String: Any])?["verified"] as? Bool == true)
        tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-42"}}"#)
        let none = try #require(try await feed.nextJSON())
        #expect(((none["set"] as? [String: Any])?["profile"] as? [String: Any])?["verified"] as? Bool == false)
        tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-42","hash":"\#(identityHash("cust-42", secret: secret))"}}"#)
        #expect(((try await feed.nextJSON()?["set"] as? [String: Any])?["profile"] as? [String: Any])?["verified"] as? Bool == true)
        // Rotating the secret: the old hash no longer verifies.
        _ = try await server.api("POST", "/api/settings/identity-secret", cookie: cookie)
        tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-42","hash":"\#(identityHash("cust-42", secret: secret))"}}"#)
        #expect(try await feed.nextJSON()?["type"] as? String == "changed")
        #expect(server.entry(of: account.id, tabID: "tab-profile-02")?.profile?.verified == false)
        await server.stop()
    }

    @Test func theServerMakesTheIdsAndRememberingOffTakesTheBrowserIdBack() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()
        // A tab's first page: no ids of its own. The server makes both and says so before `ok`.
        let tab = tracker(server, account)
        tab.send(#"{"t":"hello","url":"https://shop.example/","title":"Home"}"#)
        let ids = try #require(try await tab.nextJSON())
        #expect(ids["t"] as? String == "id")
        let tabID = try #require(ids["tab"] as? String), browserID = try #require(ids["vid"] as? String)
        #expect(tabID.count == 22 && browserID.count == 22 && tabID != browserID)
        #expect(TrackerMessage.isIdentity(tabID) && TrackerMessage.isIdentity(browserID))
        #expect(try await tab.next() == trackerOK)
        let added = try #require(try await feed.nextJSON()?["entry"] as? [String: Any])
        #expect(added["visits"] as? Int == 1, "a new browser's first visit")
        #expect(server.entry(of: account.id, tabID: tabID) != nil, "the entry is the issued tab's")
        _ = try await feed.nextJSON()
        // The tab's next page sends both ids back: the same entry, and nothing new to keep.
        tab.close()
        let next = tracker(server, account)
        next.send(json: hello(tab: tabID, url: "https://shop.example/pricing", vid: browserID))
        #expect(try await next.next() == trackerOK, "no id frame for a tab that has its ids")
        let moved = try #require(try await feed.nextJSON(matching: { ($0["set"] as? [String: Any])?["url"] != nil }))
        #expect(moved["id"] as? String == added["id"] as? String, "the same entry resumed")

        // Remembering off: a tab that sends a browser id is told to drop it (`id` without `vid`).
        let off = try await server.api("PUT", "/api/settings/remember", cookie: cookie, body: #"{"enabled":false}"#)
        #expect(off.status == 200 && off.body.contains(#""rememberVisitors":false"#))
        let other = tracker(server, account)
        other.send(json: hello(tab: "tab-profile-04", vid: browserID))
        #expect(try await other.next() == #"{"t":"id","tab":"tab-profile-04"}"#)
        #expect(try await other.next() == #"{"t":"ok","idle":300000,"r":0}"#)
        let plain = try #require(try await feed.nextJSON(matching: { $0["type"] as? String == "added" })["entry"] as? [String: Any])
        #expect(plain["visits"] is NSNull)
        #expect(plain["returning"] as? Bool == false)
        // A browser id sent late (`vid`, by trackers before the server made ids) is ignored too.
        other.send(#"{"t":"vid","vid":"browser-late-0002"}"#)
        other.send(#"{"t":"api","c":"track","a":"after-vid"}"#)
        let event = try #require(try await feed.nextJSON(matching: { ($0["set"] as? [String: Any])?["events"] != nil }))
        #expect((event["set"] as? [String: Any])?["visits"] == nil)
        #expect(server.entry(of: account.id, tabID: "tab-profile-04")?.visits == nil)
        await server.stop()
    }

    @Test func whileTrackingIsOffNoBrowserIdIsMadeAndAKeptOneStays() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        #expect(try await server.api("PUT", "/api/settings/tracking", cookie: cookie, body: #"{"enabled":false}"#).status == 200)
        let fresh = tracker(server, account)
        fresh.send(#"{"t":"hello","url":"https://shop.example/","title":"Home"}"#)
        let ids = try #require(try await fresh.nextJSON())
        #expect(ids["t"] as? String == "id" && ids["tab"] is String)
        #expect(ids["vid"] == nil, "no browser id is made while tracking is off")
        #expect(try await fresh.next() == #"{"t":"off"}"#)
        let known = tracker(server, account)
        known.send(json: hello(tab: "tab-profile-05", vid: "browser-kept-0001"))
        #expect(try await known.next() == #"{"t":"off"}"#, "a kept browser id is neither removed nor replaced")
        await server.stop()
    }

    @Test func aTabResumedAfterRememberingIsSwitchedOnGetsItsBrowser() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        _ = try await server.api("PUT", "/api/settings/remember", cookie: cookie, body: #"{"enabled":false}"#)
        let feed = server.feed(cookie: cookie)
        _ = try await feed.nextJSON()
        let first = tracker(server, account)
        first.send(#"{"t":"hello","tab":"tab-profile-06","url":"https://shop.example/","title":"Home"}"#)
        #expect(try await first.next() == #"{"t":"ok","idle":300000,"r":0}"#, "nothing to keep or drop: no id frame")
        #expect(try await feed.nextJSON(matching: { $0["type"] as? String == "added" })["entry"] as? [String: Any] != nil)
        _ = try await server.api("PUT", "/api/settings/remember", cookie: cookie, body: #"{"enabled":true}"#)
        first.close()
        let next = tracker(server, account)
        next.send(#"{"t":"hello","tab":"tab-profile-06","url":"https://shop.example/b","title":"B"}"#)
        let ids = try #require(try await next.nextJSON())
        let made = try #require(ids["vid"] as? String)
        #expect(ids["t"] as? String == "id" && ids["tab"] as? String == "tab-profile-06")
        #expect(try await next.next() == trackerOK)
        let visits = try await feed.nextJSON(matching: { ($0["set"] as? [String: Any])?["visits"] != nil })
        #expect((visits["set"] as? [String: Any])?["visits"] as? Int == 1, "the resumed entry learns its browser's first visit")
        let browser = try #require(server.entry(of: account.id, tabID: "tab-profile-06")?.browser, "and the key a block uses")
        #expect(!browser.contains(made), "kept as a hash, never as sent")
        await server.stop()
    }

    @Test func agentsNeverReceiveTheIdentitySecret() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("agent@shop.example", role: .agent, of: account)
        let settings = try await server.api("GET", "/api/settings", cookie: agent)
        #expect(settings.status == 200)
        #expect(!settings.body.contains("identitySecret"))
        #expect(try await server.api("POST", "/api/settings/identity-secret", cookie: agent).status == 403)
        #expect(try await server.api("PUT", "/api/settings/remember", cookie: agent, body: #"{"enabled":false}"#).status == 403)
        #expect(try await server.store.account(id: account.id)?.identitySecret == "", "an agent's visit does not create it")
        await server.stop()
    }

    @Test func commandsAreCheckedBeforeAnythingChanges() {
        #expect(IdentityVerifier.isValid(hash: IdentityVerifier.hash(id: "7", secret: "s3cret"), id: "7", secret: "s3cret"))
        #expect(IdentityVerifier.isValid(hash: IdentityVerifier.hash(id: "7", secret: "s3cret").uppercased(), id: "7", secret: "s3cret"))
        #expect(!IdentityVerifier.isValid(hash: IdentityVerifier.hash(id: "7", secret: "s3cret"), id: "8", secret: "s3cret"))
        #expect(!IdentityVerifier.isValid(hash: IdentityVerifier.hash(id: "7", secret: ""), id: "7", secret: ""), "no secret, nothing verifies")
        #expect(!IdentityVerifier.isValid(hash: "zz", id: "7", secret: "s3cret"))
        let numbered = ProfileCommand.read(command: "identify", argument: .object(["id": .number(42)]))
        #expect((try? numbered.get()) == .identify(VisitorProfile(id: "42"), sentID: "42", hash: nil))
        let thirtyOne = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<31).map { ("k\($0)", JSONValue.bool(true)) }))
        #expect(throws: ProfileRules.Refusal("too many attributes (max 30)")) { try ProfileCommand.read(command: "set", argument: thirtyOne).get() }
        #expect(throws: ProfileRules.Refusal("value too long (max 200 characters)")) {
            try ProfileCommand.read(command: "set", argument: .object(["k": .string(String(repeating: "v", count: 201))])).get()
        }
        #expect(throws: ProfileRules.Refusal("unknown identify field phone (id, name, email, hash)")) {
            try ProfileCommand.read(command: "identify", argument: .object(["id": .string("1"), "phone": .string("5")])).get()
        }
        #expect(throws: ProfileRules.Refusal("event " + ProfileRules.nameRule)) {
            try ProfileCommand.read(command: "track", argument: .string(String(repeating: "e", count: 41))).get()
        }
    }
}
