import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Logging
import Testing

/// Chat over the tracker socket, the feed and the API, against a real server.
@Suite("Chat", .serialized)
struct ChatTests {
    /// Reads feed messages until one of `type` arrives.
    func nextFeed(_ feed: TestSocket, type: String) async throws -> [String: Any] {
        for _ in 0..<20 {
            if let message = try await feed.nextJSON(), message["type"] as? String == type { return message }
        }
        throw TestTimeout()
    }

    func nextTab(_ tab: TestSocket, t: String) async throws -> [String: Any] {
        for _ in 0..<20 {
            if let message = try await tab.nextJSON(), message["t"] as? String == t { return message }
        }
        throw TestTimeout()
    }

    @Test func visitorAndAgentChatArchiveFreesTheNumber() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-chat-00001"))
        _ = try await nextTab(tab, t: "ok")

        tab.send(json: ["t": "say", "cid": "cid-00000001", "text": "<script>alert(1)</script> Hello?"])
        let said = try await nextTab(tab, t: "said")
        let stored = try #require(said["message"] as? [String: Any])
        #expect(stored["text"] as? String == "<script>alert(1)</script> Hello?", "text is data, stored as sent")
        let changed = try await nextFeed(feed, type: "changed")
        let entry = try #require(changed["set"] as? [String: Any])
        #expect(entry["status"] as? String == "chatting")
        let chatID = try #require(entry["chatId"] as? String)
        #expect((try await nextFeed(feed, type: "counters")["counters"] as? [String: Int])?["chats"] == 1)
        let summary = try #require(try await nextFeed(feed, type: "chat")["chat"] as? [String: Any])
        #expect(summary["visitor"] as? String == "Visitor 1")
        #expect(summary["waitingSince"] != nil)

        // A resend with the same cid is not stored twice.
        tab.send(json: ["t": "say", "cid": "cid-00000001", "text": "<script>alert(1)</script> Hello?"])
        _ = try await nextTab(tab, t: "said")

        let reply = try await server.api("POST", "/api/chats/\(chatID)/messages", cookie: owner, body: #"{"text":"Hi! How can I help?"}"#)
        #expect(reply.status == 201)
        let delivered = try await nextTab(tab, t: "message")
        let agentMessage = try #require(delivered["message"] as? [String: Any])
        #expect(agentMessage["from"] as? String == "agent" && agentMessage["text"] as? String == "Hi! How can I help?")

        let conversation = try await server.api("GET", "/api/chats/\(chatID)/messages", cookie: owner)
        let messages = try #require((try JSONSerialization.jsonObject(with: Data(conversation.body.utf8)) as? [String: Any])?["messages"] as? [[String: Any]])
        #expect(messages.map { $0["from"] as? String } == ["visitor", "agent"])

        // The agent reads: the visitor learns it.
        let visitorID = try #require(stored["id"] as? Int)
        #expect(try await server.api("POST", "/api/chats/\(chatID)/read", cookie: owner, body: #"{"upTo":\#(visitorID)}"#).status == 204)
        let receipt = try await nextTab(tab, t: "receipt")
        #expect(receipt["state"] as? String == "read")

        // History after a reconnect: in order, no duplicates.
        tab.send(json: ["t": "history"])
        let history = try await nextTab(tab, t: "history")
        #expect((history["messages"] as? [[String: Any]])?.count == 2)

        // Bad input: too long, too fast, foreign or archived chats.
        tab.send(json: ["t": "say", "cid": "cid-toolong01", "text": String(repeating: "a", count: 4001)])
        #expect(try await nextTab(tab, t: "refused")["reason"] as? String == "too long")
        #expect(try await server.api("POST", "/api/chats/\(chatID)/messages", cookie: owner, body: #"{"text":"\#(String(repeating: "b", count: 4001))"}"#).status == 400)
        let (_, otherOwner) = try await server.makeAccount("other")
        #expect(try await server.api("GET", "/api/chats/\(chatID)/messages", cookie: otherOwner).status == 404)
        #expect(try await server.api("POST", "/api/chats/\(chatID)/messages", cookie: otherOwner, body: #"{"text":"hi"}"#).status == 404)
        #expect(try await server.api("POST", "/api/chats/\(chatID)/archive", cookie: otherOwner).status == 404)

        // Archive: the entry leaves at once, the visitor is told, the number is free again.
        #expect(try await server.api("POST", "/api/chats/\(chatID)/archive", cookie: owner).status == 204)
        let removed = try await nextFeed(feed, type: "removed")
        #expect(removed["reason"] as? String == "archived")
        _ = try await nextTab(tab, t: "archived")
        #expect(try await server.api("POST", "/api/chats/\(chatID)/messages", cookie: owner, body: #"{"text":"hi"}"#).status == 404)
        let next = server.tracker(siteKey: account.siteKey)
        next.send(json: hello(tab: "tab-chat-00002"))
        _ = try await nextTab(next, t: "ok")
        let added = try await nextFeed(feed, type: "added")
        #expect((added["entry"] as? [String: Any])?["name"] as? String == "Visitor 1")

        // Writing again after the archive starts a new chat.
        tab.send(json: ["t": "say", "cid": "cid-00000002", "text": "One more thing"])
        let again = try #require(try await nextTab(tab, t: "said")["message"] as? [String: Any])
        #expect(again["chat"] as? String != chatID)
        await server.stop()
    }

    @Test func messagesSurviveARestart() async throws {
        let first = try await TestServer.start()
        let (account, _) = try await first.makeAccount("shop")
        let tab = first.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-durable-01"))
        _ = try await nextTab(tab, t: "ok")
        for index in 1...3 {
            tab.send(json: ["t": "say", "cid": "cid-durable-\(index)", "text": "message \(index)"])
            _ = try await nextTab(tab, t: "said")
        }
        await first.stop()

        let second = try await TestServer.start(directory: first.directory)
        let owner = try await second.signIn("owner@shop.example")
        let feed = second.feed(cookie: owner)
        let snapshot = try #require(try await feed.nextJSON())
        let chats = try #require(snapshot["chats"] as? [[String: Any]])
        #expect(chats.count == 1)
        let chatID = try #require(chats.first?["id"] as? String)
        let conversation = try await second.api("GET", "/api/chats/\(chatID)/messages", cookie: owner)
        #expect(conversation.body.contains("message 1") && conversation.body.contains("message 3"))
        let again = second.tracker(siteKey: account.siteKey)
        again.send(json: hello(tab: "tab-durable-01"))
        _ = try await nextTab(again, t: "ok")
        again.send(json: ["t": "history"])
        let history = try await nextTab(again, t: "history")
        #expect((history["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["message 1", "message 2", "message 3"])
        await second.stop()
    }

    /// A chat stored by a version that kept tab ids as sent is found by its tab after the
    /// upgrade: the server moves it to the tab's key when the account loads.
    @Test func aChatStoredUnderARawTabIdIsFoundAfterTheUpgrade() async throws {
        let first = try await TestServer.start()
        let (account, _) = try await first.makeAccount("shop")
        await first.stop()
        let store = try await SQLiteStore.open(directory: first.directory, logger: Logger(label: "test"))
        try await store.createChat(Chat(id: "c_legacy", accountID: account.id, tab: "tab-legacy-000001", entryID: "e_legacy", visitor: "Visitor 1", startedAt: 1))
        _ = try await store.addMessage(ChatMessage(chatID: "c_legacy", author: .visitor, clientID: "cid-legacy-01", text: "hello from before", at: 2))
        try await store.close()

        let second = try await TestServer.start(directory: first.directory)
        let tab = second.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-legacy-000001"))
        _ = try await nextTab(tab, t: "ok")
        tab.send(json: ["t": "history"])
        let history = try await nextTab(tab, t: "history")
        #expect(history["chat"] as? String == "c_legacy")
        #expect((history["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["hello from before"])
        let stored = try await second.store.activeChats(accountID: account.id)
        #expect(stored.map(\.tab).allSatisfy { $0.hasPrefix("t.") && !$0.contains("tab-legacy") }, "the raw id is no longer stored")
        await second.stop()
    }

    @Test func chatMessagesAreRateLimitedPerTab() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-chatty-001"))
        _ = try await nextTab(tab, t: "ok")
        for index in 0..<7 { tab.send(json: ["t": "say", "cid": "cid-chatty-\(index)", "text": "hi \(index)"]) }
        var answers: [String] = []
        for _ in 0..<7 { answers.append(try await tab.nextJSON()?["t"] as? String ?? "") }
        #expect(answers.filter { $0 == "said" }.count == 5)
        #expect(answers.filter { $0 == "refused" }.count == 2)
        await server.stop()
    }
}
