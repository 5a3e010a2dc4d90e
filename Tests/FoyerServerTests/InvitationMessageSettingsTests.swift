import Foundation
import FoyerCore
import FoyerStore
import Testing

/// Settings → Invitations over real HTTP: the account's default invitation message, who
/// may change it, its cleaning and limit, and going back to the built-in one.
@Suite("Default invitation message", .serialized)
struct InvitationMessageSettingsTests {
    let path = "/api/settings/invitation-message"

    @Test func ownersSetItEveryoneReadsItAgentsAreRefused() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("agent@shop.example", role: .agent, of: account)
        let (_, otherOwner) = try await server.makeAccount("other")

        let fresh = try await server.api("GET", "/api/settings", cookie: agent)
        #expect(fresh.body.contains(#""invitationMessage":"Hi! Can I help you with anything?""#))
        #expect(fresh.body.contains(#""customInvitationMessage":false"#))

        let set = try await server.api("PUT", path, cookie: owner, body: #"{"message":"  Need a hand\u202e with\nyour order?  "}"#)
        #expect(set.status == 200 && set.body.contains(#""invitationMessage":"Need a hand with your order?""#), "\(set.body)")
        #expect(set.body.contains(#""customInvitationMessage":true"#))
        #expect(try await server.store.account(id: account.id)?.invitationMessage == "Need a hand with your order?")
        let read = try await server.api("GET", "/api/settings", cookie: agent)
        #expect(read.body.contains("Need a hand with your order?"), "agents read it (the drawer starts with it)")
        let other = try await server.api("GET", "/api/settings", cookie: otherOwner)
        #expect(other.body.contains(InvitationMessage.builtIn), "another account keeps its own")

        let refused = try await server.api("PUT", path, cookie: agent, body: #"{"message":"Mine"}"#)
        #expect(refused.status == 403 && refused.body.contains(#""error""#))
        #expect(try await server.store.account(id: account.id)?.invitationMessage == "Need a hand with your order?")

        let reset = try await server.api("PUT", path, cookie: owner, body: #"{"message":null}"#)
        #expect(reset.status == 200 && reset.body.contains(#""customInvitationMessage":false"#))
        #expect(try await server.store.account(id: account.id)?.invitationMessage == nil)
        await server.stop()
    }

    @Test func badMessagesAreRefusedAndChangeNothing() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        _ = try await server.api("PUT", path, cookie: owner, body: #"{"message":"Kept"}"#)
        for (body, says) in [
            (#"{"message":" \u200b\n "}"#, "empty"),
            (#"{"message":"\#(String(repeating: "a", count: 500)) and more"}"#, "at most 500 characters"),
            (#"{"message":42}"#, "not the JSON"),
            ("not json", "not the JSON"),
        ] {
            let response = try await server.api("PUT", path, cookie: owner, body: body)
            #expect(response.status == 400 && response.body.contains(says), "\(body.prefix(40)): \(response.status) \(response.body)")
        }
        let exact = try await server.api("PUT", path, cookie: owner, body: #"{"message":"\#(String(repeating: "é", count: 500))"}"#)
        #expect(exact.status == 200, "500 characters are fine")
        #expect(try await server.store.account(id: account.id)?.invitationMessage?.count == 500)
        await server.stop()
    }
}
