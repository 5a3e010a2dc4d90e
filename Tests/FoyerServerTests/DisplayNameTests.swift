import Foundation
import FoyerCore
import FoyerStore
import Testing

/// Settings → Your profile over real HTTP: a member's own Display name, what /api/me and
/// the team list say, and the name a visitor sees on the member's invitation.
@Suite("Display name", .serialized)
struct DisplayNameTests {
    @Test func aMemberSetsTheirOwnNameAndVisitorsSeeIt() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (agentUser, agent) = try await server.member("ada.l@shop.example", role: .agent, of: account)

        let before = try await server.api("GET", "/api/me", cookie: agent)
        #expect(before.body.contains(#""shownName":"Team""#), "\(before.body)")
        let set = try await server.api("PUT", "/api/me/name", cookie: agent, body: #"{"name":"  Ada\u202e Lovelace\n "}"#)
        #expect(set.status == 200 && set.body.contains(#""displayName":"Ada Lovelace""#) && set.body.contains(#""shownName":"Ada Lovelace""#), "\(set.body)")
        #expect(try await server.store.user(id: agentUser.id)?.displayName == "Ada Lovelace")
        #expect(try await server.api("GET", "/api/me", cookie: agent).body.contains(#""displayName":"Ada Lovelace""#))
        #expect(try await server.api("GET", "/api/team", cookie: owner).body.contains(#""displayName":"Ada Lovelace""#))
        #expect(try await server.api("GET", "/api/me", cookie: owner).body.contains(#""shownName":"Team""#), "only the member's own name changed")

        // The visitor sees it on the invitation.
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-display-name-1", url: "https://shop.example/", title: "Home"))
        let added = try await feed.nextJSON(matching: { $0["type"] as? String == "added" })
        let entryID = try #require((added["entry"] as? [String: Any])?["id"] as? String)
        let made = try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: agent, body: #"{"message":"Hi"}"#)
        #expect(made.status == 201 && made.body.contains(#""agent":"Ada Lovelace""#), "\(made.body)")

        let cleared = try await server.api("PUT", "/api/me/name", cookie: agent, body: #"{"name":null}"#)
        #expect(cleared.status == 200 && cleared.body.contains(#""shownName":"Team""#))
        #expect(try await server.store.user(id: agentUser.id)?.displayName == nil)
        await server.stop()
    }

    @Test func badNamesAreRefusedAndChangeNothing() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        _ = try await server.api("PUT", "/api/me/name", cookie: owner, body: #"{"name":"Kept"}"#)
        for (body, says) in [
            (#"{"name":"\#(String(repeating: "n", count: 41))"}"#, "at most 40 characters"),
            (#"{"name":7}"#, "send {"),
            ("nonsense", "send {"),
        ] {
            let response = try await server.api("PUT", "/api/me/name", cookie: owner, body: body)
            #expect(response.status == 400 && response.body.contains(says), "\(body.prefix(40)): \(response.status) \(response.body)")
        }
        #expect(try await server.store.users(accountID: account.id).first?.displayName == "Kept")
        #expect(try await server.api("PUT", "/api/me/name", cookie: "foyer_session=nope", body: #"{"name":"Nobody"}"#).status == 401)
        await server.stop()
    }
}
