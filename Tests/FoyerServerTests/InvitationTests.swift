import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// Invitations to chat over real sockets: the API, the tracker's frames, the feed, and
/// the reply that starts the chat with the invitation's message first.
@Suite("Invitations", .serialized)
struct InvitationTests {
    func nextFeed(_ feed: TestSocket, type: String, where matches: ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any] {
        for _ in 0..<30 {
            if let message = try await feed.nextJSON(), message["type"] as? String == type, matches(message) { return message }
        }
        Issue.record("no feed message \(type)")
        throw TestTimeout()
    }

    func nextTab(_ tab: TestSocket, t: String) async throws -> [String: Any] {
        for _ in 0..<20 {
            if let message = try await tab.nextJSON(), message["t"] as? String == t { return message }
        }
        Issue.record("no tab message \(t)")
        throw TestTimeout()
    }

    func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    /// The account "shop", its owner's cookie, and the owner's feed past its snapshot.
    func shop(_ server: TestServer) async throws -> (Account, String, TestSocket) {
        let (account, owner) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        return (account, owner, feed)
    }

    /// A visitor on the account's map: its tab socket and entry id.
    func visitor(_ server: TestServer, _ account: Account, feed: TestSocket, tab id: String) async throws -> (TestSocket, String) {
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: id, url: "https://shop.example/pricing", title: "Pricing"))
        _ = try await nextTab(tab, t: "ok")
        let added = try await nextFeed(feed, type: "added")
        let entry = try #require(added["entry"] as? [String: Any])
        #expect(entry["invitation"] is NSNull, "a new entry has no invitation")
        return (tab, try #require(entry["id"] as? String))
    }

    @Test func anAgentInvitesTheVisitorRepliesAndTheChatStartsWithTheInvitation() async throws {
        let server = try await TestServer.start()
        let (account, owner, feed) = try await shop(server)
        let (_, agent) = try await server.member("ada@shop.example", role: .agent, of: account)
        let (tab, entryID) = try await visitor(server, account, feed: feed, tab: "tab-invite-0001")

        let made = try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: agent, body: #"{"message":"  Hi!\u0007 Can I <b>help</b>?  "}"#)
        #expect(made.status == 201, "\(made.body)")
        let invitation = try #require(try json(made.body)["invitation"] as? [String: Any])
        #expect(invitation["message"] as? String == "Hi! Can I <b>help</b>?", "trimmed, control characters out, markup kept as text")
        #expect(invitation["agent"] as? String == "Team" && invitation["state"] as? String == "sent")
        let invitationID = try #require(invitation["id"] as? String)

        // The tab hears it at once; every dashboard sees the entry's invitation.
        let frame = try await nextTab(tab, t: "invite")
        let shown = try #require(frame["inv"] as? [String: Any])
        #expect(shown["id"] as? String == invitationID && shown["message"] as? String == "Hi! Can I <b>help</b>?" && shown["agent"] as? String == "Team", "no display name: never a name made from the email")
        #expect(shown.count == 3, "the tab gets id, message and agent only")
        let changed = try await nextFeed(feed, type: "changed") { ($0["set"] as? [String: Any])?["invitation"] != nil }
        #expect(((changed["set"] as? [String: Any])?["invitation"] as? [String: Any])?["state"] as? String == "sent")

        // A reload while pending: the new page's socket is told again.
        tab.close()
        let reloaded = server.tracker(siteKey: account.siteKey)
        reloaded.send(json: hello(tab: "tab-invite-0001", url: "https://shop.example/pricing", title: "Pricing"))
        _ = try await nextTab(reloaded, t: "ok")
        #expect((try await nextTab(reloaded, t: "invite")["inv"] as? [String: Any])?["id"] as? String == invitationID)

        // A second invitation while this one is pending is refused.
        #expect(try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Hello again"}"#).status == 409)

        // The reply starts the chat: the invitation's message first, from the agent; Accepted, Chatting.
        reloaded.send(json: ["t": "say", "cid": "cid-reply-001", "text": "Yes, about prices"])
        // The invitation ends (Accepted) as the chat starts, before its message is stored.
        let ended = try await nextTab(reloaded, t: "invite-end")
        #expect(ended["id"] as? String == invitationID && ended["state"] as? String == "accepted")
        let opening = try await nextTab(reloaded, t: "message")
        #expect((opening["message"] as? [String: Any])?["text"] as? String == "Hi! Can I <b>help</b>?")
        let accepted = try await nextFeed(feed, type: "changed") { ($0["set"] as? [String: Any])?["status"] as? String == "chatting" }
        let set = try #require(accepted["set"] as? [String: Any])
        #expect((set["invitation"] as? [String: Any])?["state"] as? String == "accepted", "Chatting and Accepted in one change")
        let chatID = try #require(set["chatId"] as? String)
        let conversation = try json(try await server.api("GET", "/api/chats/\(chatID)/messages", cookie: owner).body)
        let messages = try #require(conversation["messages"] as? [[String: Any]])
        #expect(messages.map { $0["from"] as? String } == ["agent", "visitor"])
        #expect(messages.map { $0["text"] as? String } == ["Hi! Can I <b>help</b>?", "Yes, about prices"])
        let stored = try await server.store.messages(chatID: chatID)
        #expect(stored.first?.agentID == (try await server.store.user(email: "ada@shop.example"))?.id, "the inviting agent wrote it")

        // Chatting now: no invitation.
        #expect(try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Hi"}"#).status == 409)
        await server.stop()
    }

    @Test func theTabReportsSeenThenDismissed() async throws {
        let server = try await TestServer.start()
        let (account, owner, feed) = try await shop(server)
        let (tab, entryID) = try await visitor(server, account, feed: feed, tab: "tab-seen-00001")
        #expect(try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Hi"}"#).status == 201)
        let id = try #require((try await nextTab(tab, t: "invite")["inv"] as? [String: Any])?["id"] as? String)
        func state(_ message: [String: Any]) -> String? { ((message["set"] as? [String: Any])?["invitation"] as? [String: Any])?["state"] as? String }
        _ = try await nextFeed(feed, type: "changed") { state($0) == "sent" }

        tab.send(json: ["t": "invite-seen", "inv": "i_not_this_one"])
        tab.send(json: ["t": "invite-seen", "inv": id])
        let seen = try await nextFeed(feed, type: "changed") { state($0) != nil }
        #expect(state(seen) == "seen", "a report for another invitation changes nothing")
        tab.send(json: ["t": "invite-dismiss", "inv": id])
        #expect(state(try await nextFeed(feed, type: "changed") { state($0) != nil }) == "dismissed")
        let ended = try await nextTab(tab, t: "invite-end")
        #expect(ended["id"] as? String == id && ended["state"] as? String == "dismissed")
        // A late report of an ended invitation changes nothing; the socket stays open.
        tab.send(json: ["t": "invite-seen", "inv": id])
        tab.send(json: ["t": "page", "url": "https://shop.example/after", "title": "After"])
        let next = try await nextFeed(feed, type: "changed")
        #expect((next["set"] as? [String: Any])?["url"] as? String == "https://shop.example/after" && state(next) == nil)
        await server.stop()
    }

    @Test func refusalsHaveTheirStatuses() async throws {
        let server = try await TestServer.start()
        let (account, owner, feed) = try await shop(server)
        let (_, otherOwner) = try await server.makeAccount("other")
        let (tab, entryID) = try await visitor(server, account, feed: feed, tab: "tab-refused-01")
        let path = "/api/visitors/\(entryID)/invitation"

        #expect(try await server.api("POST", path, cookie: owner, body: #"{"message":"   "}"#).status == 400)
        #expect(try await server.api("POST", path, cookie: owner, body: #"{"message":"\#(String(repeating: "a", count: 501))"}"#).status == 400)
        #expect(try await server.api("POST", path, cookie: owner, body: #"{"message":"\#(String(repeating: "a", count: 500)) and more"}"#).status == 400,
                "measured whole, never cut to 500 at a space")
        #expect(try await server.api("POST", path, cookie: owner, body: #"{"text":"hi"}"#).status == 400)
        #expect(try await server.api("POST", path, cookie: owner, body: #"{"message":"\#(String(repeating: "é", count: 500))"}"#).status == 201, "500 characters are fine")
        let foreign = try await server.api("POST", path, cookie: otherOwner, body: #"{"message":"hi"}"#)
        #expect(foreign.status == 404 && foreign.body.contains("error"), "another account's entry is not found")
        #expect(try await server.api("POST", "/api/visitors/e_nobody/invitation", cookie: owner, body: #"{"message":"hi"}"#).status == 404)

        // Offline: the tab leaves and its grace runs out; the pending invitation expires with it.
        tab.close()
        // The server stamps the close when it reads it, which may be after an advance of
        // the clock: advance past the grace again while nothing comes (at most 10 times).
        var offline: [String: Any] = [:]
        waiting: for _ in 0..<10 {
            server.clock.advance(millis: 3_000)
            while let message = try? await feed.nextJSON(timeout: .milliseconds(1500)) {
                if message["type"] as? String == "changed", (message["set"] as? [String: Any])?["status"] as? String == "offline" {
                    offline = message
                    break waiting
                }
            }
        }
        #expect(((offline["set"] as? [String: Any])?["invitation"] as? [String: Any])?["state"] as? String == "expired")
        let refused = try await server.api("POST", path, cookie: owner, body: #"{"message":"hi"}"#)
        #expect(refused.status == 409 && refused.body.contains("offline"), "\(refused.body)")
        await server.stop()
    }

    @Test func expiresAfterFiveMinutesAndTheTabIsTold() async throws {
        let server = try await TestServer.start()
        let (account, owner, feed) = try await shop(server)
        let (tab, entryID) = try await visitor(server, account, feed: feed, tab: "tab-expiry-001")
        #expect(try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Hi"}"#).status == 201)
        _ = try await nextTab(tab, t: "invite")
        tab.send(json: ["t": "h"])
        server.clock.advance(millis: 300_000)
        let ended = try await nextTab(tab, t: "invite-end")
        #expect(ended["state"] as? String == "expired")
        #expect(try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Hi again"}"#).status == 201, "an ended invitation allows a new one")
        await server.stop()
    }

    @Test func theExpiryIsAServerOption() async throws {
        let server = try await TestServer.start { $0.invitationExpirySeconds = 20 }
        let (account, owner, feed) = try await shop(server)
        let (tab, entryID) = try await visitor(server, account, feed: feed, tab: "tab-expiry-002")
        #expect(try await server.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Hi"}"#).status == 201)
        _ = try await nextTab(tab, t: "invite")
        server.clock.advance(millis: 20_000)
        #expect(try await nextTab(tab, t: "invite-end")["state"] as? String == "expired")
        await server.stop()
    }

    @Test func atMostTenInvitationsPerAgentPerMinute() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("bob@shop.example", role: .agent, of: account)
        var statuses: [Int] = []
        for _ in 0..<11 {
            statuses.append(try await server.api("POST", "/api/visitors/e_nobody/invitation", cookie: agent, body: #"{"message":"hi"}"#).status)
        }
        #expect(statuses == Array(repeating: 404, count: 10) + [429])
        #expect(try await server.api("POST", "/api/visitors/e_nobody/invitation", cookie: owner, body: #"{"message":"hi"}"#).status == 404, "per agent")
        server.clock.advance(millis: 60_000)
        #expect(try await server.api("POST", "/api/visitors/e_nobody/invitation", cookie: agent, body: #"{"message":"hi"}"#).status == 404, "a minute later")
        await server.stop()
    }

    /// The invitation is part of the entry's row: a pending one survives a crash (the
    /// server stops without a goodbye, like `kill -9`) and the tab is shown it again.
    @Test func aPendingInvitationSurvivesACrash() async throws {
        let first = try await TestServer.start()
        let (account, owner, feed) = try await shop(first)
        let (tab, entryID) = try await visitor(first, account, feed: feed, tab: "tab-crash-0001")
        #expect(try await first.api("POST", "/api/visitors/\(entryID)/invitation", cookie: owner, body: #"{"message":"Still there?"}"#).status == 201)
        _ = try await nextTab(tab, t: "invite")
        // The writer commits within milliseconds; wait for the row rather than a fixed time.
        var stored: Invitation?
        for _ in 0..<50 {
            stored = try await first.store.entries(accountID: account.id).first?.invitation
            if stored != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(stored?.message == "Still there?" && stored?.state == .sent)
        await first.stop()

        let second = try await TestServer.start(directory: first.directory)
        let cookie = try await second.signIn("owner@shop.example")
        let again = second.feed(cookie: cookie)
        let snapshot = try #require(try await again.nextJSON())
        let entry = try #require((snapshot["entries"] as? [[String: Any]])?.first)
        #expect((entry["invitation"] as? [String: Any])?["state"] as? String == "sent")
        let resumed = second.tracker(siteKey: account.siteKey)
        resumed.send(json: hello(tab: "tab-crash-0001", url: "https://shop.example/pricing", title: "Pricing"))
        _ = try await nextTab(resumed, t: "ok")
        #expect((try await nextTab(resumed, t: "invite")["inv"] as? [String: Any])?["message"] as? String == "Still there?")
        await second.stop()
    }
}
