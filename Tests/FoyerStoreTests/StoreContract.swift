import Foundation
import FoyerCore
import FoyerStore
import Testing

/// The behaviour every ``Store`` must have. Each function is one test; the SQLite and
/// PostgreSQL suites run all of them on a fixture of their own.
enum StoreContract {
    static func entry(_ number: Int, tab: String) -> Entry {
        Entry(
            id: "e_\(number)", tab: tab, number: number, status: .online, connectedAt: 1, pageSince: 2, url: "https://shop.example/",
            title: "Home", referrer: "", language: "en", timezone: "Europe/Istanbul", returning: false,
            location: VisitorLocation(countryCode: "TR", country: "Türkiye", city: "Istanbul", latitude: 41, longitude: 29, source: .timezone),
            pages: [PageView(url: "https://shop.example/", title: "Home", at: 2)])
    }

    static func accountsAreUniqueByNameAndSiteKey(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        await #expect(throws: StoreError.duplicate("")) { _ = try await store.createAccount(name: "shop", siteKey: "fk_2", now: 1) }
        await #expect(throws: StoreError.duplicate("")) { _ = try await store.createAccount(name: "blog", siteKey: "fk_1", now: 1) }
        let blog = try await store.createAccount(name: "blog", siteKey: "fk_2", now: 2)
        #expect(try await store.accounts().map(\.id) == [shop.id, blog.id])
        #expect(try await store.account(siteKey: "fk_1")?.id == shop.id)
        #expect(try await store.account(name: "shop")?.siteKey == "fk_1")
        #expect(try await store.account(id: "a_missing") == nil)
        var changed = shop
        changed.trackingEnabled = false
        changed.allowedOrigins = ["https://shop.example", "https://www.shop.example"]
        changed.invitationMessage = "Need a hand? Ünïcode ✓"
        try await store.updateAccount(changed)
        #expect(try await store.account(id: shop.id) == changed)
        changed.invitationMessage = nil
        try await store.updateAccount(changed)
        #expect(try await store.account(id: shop.id)?.invitationMessage == nil, "back to the built-in message")
        try await store.close()
    }

    /// Settings changed at once by several people each keep their change: the row is read
    /// and written in one transaction, never saved whole from an older copy.
    static func concurrentAccountChangesAllStay(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<16 {
                group.addTask { _ = try await store.changeAccount(id: shop.id) { $0.allowedOrigins.append("https://s\(n).example") } }
            }
            group.addTask { _ = try await store.changeAccount(id: shop.id) { $0.rememberVisitors = false } }
            try await group.waitForAll()
        }
        let account = try #require(try await store.account(id: shop.id))
        #expect(Set(account.allowedOrigins) == Set((0..<16).map { "https://s\($0).example" }))
        #expect(account.rememberVisitors == false)
        let result = try await store.changeAccount(id: shop.id) { $0.trackingEnabled = false }
        #expect(result?.previous.trackingEnabled == true && result?.current.trackingEnabled == false)
        #expect(try await store.changeAccount(id: "a_missing") { $0.trackingEnabled = false } == nil)
        await #expect(throws: (any Error).self) { _ = try await store.changeAccount(id: shop.id) { $0.siteKey = "fk_9"; throw CancellationError() } }
        #expect(try await store.account(id: shop.id)?.siteKey == "fk_1", "a change that throws is rolled back")
        try await store.close()
    }

    static func usersAndSessions(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let user = try await store.createUser(accountID: shop.id, email: "Owner@Shop.example", passwordHash: "$2b$", role: .owner, now: 1)
        #expect(user.email == "owner@shop.example")
        await #expect(throws: StoreError.duplicate("")) {
            _ = try await store.createUser(accountID: shop.id, email: "owner@shop.example", passwordHash: "x", role: .agent, now: 1)
        }
        #expect(try await store.user(email: "OWNER@shop.example") == user)
        #expect(try await store.user(id: user.id) == user)
        try await store.setDisplayName(userID: user.id, "Ada Lovelace ✓")
        #expect(try await store.user(email: "owner@shop.example")?.displayName == "Ada Lovelace ✓")
        try await store.setDisplayName(userID: user.id, nil)
        #expect(try await store.user(id: user.id) == user, "cleared")
        #expect(try await store.users(accountID: shop.id) == [user])
        try await store.createSession(Session(tokenHash: "h1", userID: user.id, createdAt: 10, lastSeenAt: 10))
        try await store.createSession(Session(tokenHash: "h2", userID: user.id, createdAt: 10, lastSeenAt: 10))
        try await store.touchSession(tokenHash: "h1", at: 70)
        #expect(try await store.session(tokenHash: "h1") == Session(tokenHash: "h1", userID: user.id, createdAt: 10, lastSeenAt: 70))
        try await store.deleteSessions(idleSince: 60)
        #expect(try await store.session(tokenHash: "h2") == nil, "idle session removed")
        #expect(try await store.session(tokenHash: "h1") != nil, "active session kept")
        try await store.deleteSession(tokenHash: "h1")
        #expect(try await store.session(tokenHash: "h1") == nil)
        try await store.close()
    }

    static func lastOwnerIsKept(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let owner = try await store.createUser(accountID: shop.id, email: "owner@shop.example", passwordHash: "x", role: .owner, now: 1)
        let agent = try await store.createUser(accountID: shop.id, email: "agent@shop.example", passwordHash: "x", role: .agent, now: 2)
        try await store.createSession(Session(tokenHash: "owner-session", userID: owner.id, createdAt: 1, lastSeenAt: 1))

        await #expect(throws: StoreError.invalid("")) { try await store.updateRole(userID: owner.id, role: .admin) }
        await #expect(throws: StoreError.invalid("")) { try await store.deleteUser(id: owner.id) }
        #expect(try await store.user(id: owner.id)?.role == .owner, "a refused change leaves nothing behind")
        #expect(try await store.session(tokenHash: "owner-session") != nil)
        await #expect(throws: StoreError.notFound("")) { try await store.updateRole(userID: "u_missing", role: .agent) }

        try await store.updateRole(userID: agent.id, role: .owner)
        try await store.updateRole(userID: owner.id, role: .agent)
        #expect(try await store.user(id: owner.id)?.role == .agent)
        try await store.deleteUser(id: owner.id)
        #expect(try await store.user(id: owner.id) == nil)
        #expect(try await store.session(tokenHash: "owner-session") == nil, "a removed member's sessions go with them")
        #expect(try await store.users(accountID: shop.id).map(\.id) == [agent.id])
        try await store.close()
    }

    static func setupTokensWorkOnceBeforeTheyExpire(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        try await store.createSetupToken(accountID: shop.id, tokenHash: "t1", expiresAt: 100)
        try await store.createSetupToken(accountID: shop.id, tokenHash: "t2", expiresAt: 100)
        #expect(try await store.consumeSetupToken(tokenHash: "t1", now: 99) == shop.id)
        #expect(try await store.consumeSetupToken(tokenHash: "t1", now: 99) == nil, "one time only")
        #expect(try await store.consumeSetupToken(tokenHash: "t2", now: 100) == nil, "expired")
        #expect(try await store.consumeSetupToken(tokenHash: "t2", now: 1) == nil, "an expired token is used up too")
        #expect(try await store.consumeSetupToken(tokenHash: "unknown", now: 1) == nil)

        // Used at once from two places: exactly one wins.
        try await store.createSetupToken(accountID: shop.id, tokenHash: "t3", expiresAt: 100)
        async let first = store.consumeSetupToken(tokenHash: "t3", now: 1)
        async let second = store.consumeSetupToken(tokenHash: "t3", now: 1)
        #expect(try await [first, second].compactMap { $0 } == [shop.id])
        try await store.close()
    }

    static func entryChangesApplyInOrderAndSurviveReopening(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let blog = try await store.createAccount(name: "blog", siteKey: "fk_2", now: 1)
        var second = entry(2, tab: "tab-b")
        try await store.apply([
            .save(accountID: shop.id, entry: entry(1, tab: "tab-a")),
            .save(accountID: shop.id, entry: second),
            .save(accountID: blog.id, entry: entry(1, tab: "tab-c")),
            .browserSeen(accountID: shop.id, browserHash: "hash", at: 100),
            .browserSeen(accountID: shop.id, browserHash: "hash", at: 200),
        ])
        second.status = .offline
        second.leftAt = 9
        // Order within a batch matters: saved then deleted is gone.
        try await store.apply([
            .save(accountID: shop.id, entry: second), .delete(accountID: shop.id, entryID: "e_1"),
            .save(accountID: shop.id, entry: entry(3, tab: "tab-d")), .delete(accountID: shop.id, entryID: "e_3"),
        ])
        try await store.apply([])
        try await store.close()

        let reopened = try await fixture.open()
        #expect(try await reopened.entries(accountID: shop.id) == [second])
        #expect(try await reopened.entries(accountID: blog.id) == [entry(1, tab: "tab-c")], "accounts are isolated")
        #expect(try await reopened.browserFirstSeen(accountID: shop.id, browserHash: "hash") == 100, "first sighting is kept")
        #expect(try await reopened.browserFirstSeen(accountID: blog.id, browserHash: "hash") == nil)
        #expect(try await reopened.browsersFirstSeen(accountID: shop.id, browserHashes: ["hash", "unknown"]) == ["hash": 100])
        // Batches larger than one multi-row statement (SQLite's parameter limit).
        let many = (0..<700).map { "many-\($0)" }
        try await reopened.apply(many.map { .browserSeen(accountID: blog.id, browserHash: $0, at: 7) })
        let seen = try await reopened.browsersFirstSeen(accountID: blog.id, browserHashes: many + ["hash"])
        #expect(seen.count == 700 && seen.values.allSatisfy { $0 == 7 })
        try await reopened.apply([.clear(accountID: shop.id), .save(accountID: shop.id, entry: entry(4, tab: "tab-e"))])
        #expect(try await reopened.entries(accountID: shop.id) == [entry(4, tab: "tab-e")])
        #expect(try await reopened.entries(accountID: blog.id).count == 1)
        try await reopened.close()
    }

    static func migrationsRunOnceAndSecretsAreStable(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        try await store.migrate()
        let salt = try await store.secret(named: "salt") { "first" }
        #expect(salt == "first")
        #expect(try await store.secret(named: "salt") { "second" } == salt)
        #expect(try await store.secret(named: "other") { "third" } == "third")
        try await store.close()
        let reopened = try await fixture.open()
        #expect(try await reopened.secret(named: "salt") { "fourth" } == salt)
        try await reopened.close()
    }

    static func blocksAreKeptPerAccountAndEndedOnesPurged(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "key-shop-01", now: 1)
        let other = try await store.createAccount(name: "other", siteKey: "key-other-1", now: 1)
        func block(_ id: String, _ account: Account, hash: String, until: Int64) -> BlockedBrowser {
            BlockedBrowser(id: id, accountID: account.id, browserHash: hash, visitor: "Visitor 3", reason: "spam 🎉 <b>", blockedBy: "o@shop.example", blockedAt: 10, until: until)
        }
        try await store.addBlock(block("b_1", shop, hash: "h1", until: 1_000))
        try await store.addBlock(block("b_2", shop, hash: "h2", until: 50))
        try await store.addBlock(block("b_3", other, hash: "h1", until: 1_000))
        // Blocking the same browser again replaces the block.
        try await store.addBlock(block("b_4", shop, hash: "h1", until: 2_000))
        #expect(try await store.blocks(accountID: shop.id, now: 20).map(\.id).sorted() == ["b_2", "b_4"])
        // Ended blocks are ignored and purged.
        #expect(try await store.blocks(accountID: shop.id, now: 50) == [block("b_4", shop, hash: "h1", until: 2_000)])
        // Another account's block is not found; a removed block is returned once.
        #expect(try await store.removeBlock(id: "b_3", accountID: shop.id) == nil)
        #expect(try await store.removeBlock(id: "b_4", accountID: shop.id)?.browserHash == "h1")
        #expect(try await store.removeBlock(id: "b_4", accountID: shop.id) == nil)
        #expect(try await store.blocks(accountID: shop.id, now: 60).isEmpty)
        #expect(try await store.blocks(accountID: other.id, now: 60).map(\.id) == ["b_3"])
        try await store.close()
    }

    static func chatsAndMessages(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let agent = try await store.createUser(accountID: shop.id, email: "agent@shop.example", passwordHash: "x", role: .owner, now: 1)
        let chat = Chat(id: "c_1", accountID: shop.id, tab: "tab-a", entryID: "e_1", visitor: "Visitor 1", startedAt: 10)
        try await store.createChat(chat)
        try await store.createChat(Chat(id: "c_2", accountID: shop.id, tab: "tab-b", entryID: "e_2", visitor: "Visitor 2", startedAt: 20))
        #expect(try await store.chat(id: "c_1") == chat)
        #expect(try await store.activeChat(accountID: shop.id, tab: "tab-a") == chat)
        #expect(try await store.activeChat(accountID: "a_other", tab: "tab-a") == nil)
        #expect(try await store.activeChats(accountID: shop.id).map(\.id) == ["c_1", "c_2"])

        let hello = try await store.addMessage(ChatMessage(chatID: "c_1", author: .visitor, clientID: "m1", text: "Hello", at: 11))
        #expect(hello.id > 0 && hello.text == "Hello" && hello.state == .sent)
        let resent = try await store.addMessage(ChatMessage(chatID: "c_1", author: .visitor, clientID: "m1", text: "Hello again", at: 12))
        #expect(resent == hello, "a resend returns the stored message")
        let reply = try await store.addMessage(ChatMessage(chatID: "c_1", author: .agent, agentID: agent.id, text: "Hi!", at: 13))
        let replyAgain = try await store.addMessage(ChatMessage(chatID: "c_1", author: .agent, agentID: agent.id, text: "Hi!", at: 13))
        #expect(replyAgain.id != reply.id, "messages without a client id are never merged")
        let second = try await store.addMessage(ChatMessage(chatID: "c_1", author: .visitor, clientID: "m2", text: "Shoes?", at: 14))
        let elsewhere = try await store.addMessage(ChatMessage(chatID: "c_2", author: .visitor, clientID: "m1", text: "Other tab", at: 15))
        #expect(elsewhere.id != hello.id, "client ids are per chat")
        #expect(reply.agentID == agent.id && reply.clientID == nil)

        let messages = try await store.messages(chatID: "c_1")
        #expect(messages.map(\.id) == [hello.id, reply.id, replyAgain.id, second.id])
        #expect(messages.map(\.id) == messages.map(\.id).sorted(), "oldest first, ids increasing")

        // Delivered up to the first visitor message only, then read up to the last.
        let delivered = try await store.advanceMessages(chatID: "c_1", author: .visitor, upTo: hello.id, to: .delivered)
        #expect(delivered.map(\.id) == [hello.id] && delivered.allSatisfy { $0.state == .delivered })
        let read = try await store.advanceMessages(chatID: "c_1", author: .visitor, upTo: second.id, to: .read)
        #expect(read.map(\.id) == [hello.id, second.id], "changed rows, by id")
        #expect(try await store.advanceMessages(chatID: "c_1", author: .visitor, upTo: second.id, to: .delivered).isEmpty, "never lowered")
        #expect(try await store.advanceMessages(chatID: "c_1", author: .visitor, upTo: second.id, to: .read).isEmpty, "nothing left to change")
        #expect(try await store.messages(chatID: "c_1").filter { $0.author == .agent }.allSatisfy { $0.state == .sent }, "other author untouched")
        #expect(try await store.messages(chatID: "c_2").map(\.state) == [.sent], "other chat untouched")

        try await store.archiveChat(id: "c_1", at: 99)
        #expect(try await store.chat(id: "c_1")?.status == .archived)
        #expect(try await store.chat(id: "c_1")?.archivedAt == 99)
        #expect(try await store.activeChat(accountID: shop.id, tab: "tab-a") == nil)
        #expect(try await store.activeChats(accountID: shop.id).map(\.id) == ["c_2"])
        try await store.setChatTab(id: "c_2", tab: "t.key-b")
        #expect(try await store.activeChat(accountID: shop.id, tab: "t.key-b")?.id == "c_2", "a chat moved to its tab key is found by it")
        #expect(try await store.activeChat(accountID: shop.id, tab: "tab-b") == nil)
        try await store.close()

        let reopened = try await fixture.open()
        #expect(try await reopened.messages(chatID: "c_1").map(\.state) == [.read, .sent, .sent, .read], "a conversation survives a restart")
        try await reopened.close()
    }

    /// Message ids are per account (docs/PROTOCOL.md section 3): one account's ids say
    /// nothing about how many messages another has.
    static func messageIDsArePerAccount(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let busy = try await store.createAccount(name: "busy", siteKey: "fk_busy", now: 1)
        let quiet = try await store.createAccount(name: "quiet", siteKey: "fk_quiet", now: 1)
        try await store.createChat(Chat(id: "c_busy", accountID: busy.id, tab: "tab-a", entryID: "e_1", visitor: "Visitor 1", startedAt: 1))
        try await store.createChat(Chat(id: "c_busy2", accountID: busy.id, tab: "tab-b", entryID: "e_2", visitor: "Visitor 2", startedAt: 1))
        try await store.createChat(Chat(id: "c_quiet", accountID: quiet.id, tab: "tab-a", entryID: "e_1", visitor: "Visitor 1", startedAt: 1))
        var busyIDs: [Int64] = []
        for index in 0..<6 {
            let chat = index % 2 == 0 ? "c_busy" : "c_busy2"
            busyIDs.append(try await store.addMessage(ChatMessage(chatID: chat, author: .visitor, clientID: "m\(index)", text: "hi", at: 2)).id)
        }
        #expect(busyIDs == Array(1...6), "numbered 1, 2, 3… in the account, across its chats")
        let first = try await store.addMessage(ChatMessage(chatID: "c_quiet", author: .visitor, clientID: "m0", text: "hello", at: 3))
        #expect(first.id == 1, "another account starts at 1 (got \(first.id))")
        // Concurrent messages of one account get distinct, increasing ids.
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await store.addMessage(ChatMessage(chatID: "c_quiet", author: .agent, text: "reply \(index)", at: 4)).id
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids) == Set(2...21))
        #expect(try await store.messages(chatID: "c_quiet").map(\.id) == Array(1...21))
        // Advancing stays within the chat whatever other chats' ids are.
        let read = try await store.advanceMessages(chatID: "c_busy", author: .visitor, upTo: 3, to: .read)
        #expect(read.map(\.id) == [1, 3])
        try await store.close()
    }

    static func concurrentBatchesApplyWhole(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        for round in 0..<5 {
            // One batch fills and then clears; the other saves the same entries in reverse
            // order. Serialised either way, the result is all of the second batch or nothing.
            let ids = Array(1...20)
            let first: [EntryChange] = ids.map { .save(accountID: shop.id, entry: entry($0, tab: "first")) } + [.clear(accountID: shop.id)]
            let second: [EntryChange] = ids.reversed().map { .save(accountID: shop.id, entry: entry($0, tab: "second-\(round)")) }
            async let a: Void = store.apply(first)
            async let b: Void = store.apply(second)
            _ = try await (a, b)
            let entries = try await store.entries(accountID: shop.id)
            #expect(entries.isEmpty || Set(entries.map(\.tab)) == ["second-\(round)"] && entries.count == 20, "round \(round): \(entries.count) entries")
            try await store.apply([.clear(accountID: shop.id)])
        }
        try await store.close()
    }

    static func concurrentDemotionsKeepOneOwner(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        for round in 0..<5 {
            let shop = try await store.createAccount(name: "shop-\(round)", siteKey: "fk_\(round)", now: 1)
            let one = try await store.createUser(accountID: shop.id, email: "one-\(round)@shop.example", passwordHash: "x", role: .owner, now: 1)
            let two = try await store.createUser(accountID: shop.id, email: "two-\(round)@shop.example", passwordHash: "x", role: .owner, now: 1)
            // Each change alone is fine, together they would leave no owner. Even rounds
            // demote both; odd rounds demote one while removing the other.
            let demoteTwice = round.isMultiple(of: 2)
            async let first = outcome { try await store.updateRole(userID: one.id, role: .agent) }
            async let second = outcome {
                if demoteTwice { try await store.updateRole(userID: two.id, role: .admin) } else { try await store.deleteUser(id: two.id) }
            }
            let results = await [first, second]
            #expect(results.filter { $0 == nil }.count == 1, "round \(round): exactly one succeeds, got \(results)")
            #expect(results.compactMap { $0 } == [StoreError.invalid("")])
            let owners = try await store.users(accountID: shop.id).filter { $0.role == .owner }
            #expect(owners.count == 1, "round \(round)")
        }
        try await store.close()
    }

    /// nil when `body` succeeded, else its error.
    private static func outcome(_ body: () async throws -> Void) async -> StoreError? {
        do {
            try await body()
            return nil
        } catch let error as StoreError {
            return error
        } catch {
            return StoreError.unavailable("\(error)")
        }
    }
}
