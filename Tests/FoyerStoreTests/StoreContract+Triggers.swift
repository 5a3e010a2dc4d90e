import FoyerCore
import FoyerStore
import Testing

extension StoreContract {
    /// Additions racing at the limit: exactly `limit` triggers, each at its own position.
    static func concurrentTriggerAdditionsKeepTheLimit(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let added = try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<24 {
                group.addTask { try await store.addTrigger(accountID: shop.id, Trigger(id: "tr_\(n)", name: "T\(n)", message: "Hi", position: 0), limit: 10) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(added == 10)
        #expect(try await store.triggers(accountID: shop.id).map(\.trigger.position) == Array(0..<10))
        // Deletions racing additions: the positions stay 0, 1, 2… with no gap or twin.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<5 { group.addTask { _ = try await store.deleteTrigger(accountID: shop.id, id: "tr_\(n)") } }
            for n in 30..<40 {
                group.addTask { _ = try await store.addTrigger(accountID: shop.id, Trigger(id: "tr_\(n)", name: "T\(n)", message: "Hi", position: 0), limit: 10) }
            }
            try await group.waitForAll()
        }
        let positions = try await store.triggers(accountID: shop.id).map(\.trigger.position)
        #expect(positions == Array(0..<positions.count) && positions.count <= 10, "\(positions)")
        try await store.close()
    }

    /// The invitations-per-member window: `limit` in any `window`, per member, and
    /// concurrent takers never pass it.
    static func invitationSlotsKeepTheirWindow(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<15 { group.addTask { try await store.takeInvitationSlot(userID: "u_1", now: 1_000, windowMillis: 60_000, limit: 10) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == 10)
        #expect(try await store.takeInvitationSlot(userID: "u_2", now: 1_000, windowMillis: 60_000, limit: 10), "per member")
        #expect(try await store.takeInvitationSlot(userID: "u_1", now: 60_999, windowMillis: 60_000, limit: 10) == false, "still in the window")
        var later = 0
        for _ in 0..<12 {
            if try await store.takeInvitationSlot(userID: "u_1", now: 61_000, windowMillis: 60_000, limit: 10) { later += 1 }
        }
        #expect(later == 10, "the window moved on, and refused attempts were never counted")
        try await store.close()
    }

    /// Triggers keep their order, settings and counts; deleting closes the gap; notice
    /// switches are per user and go with the user.
    static func triggersAndNotices(_ fixture: some StoreFixture) async throws {
        let store = try await fixture.open()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let blog = try await store.createAccount(name: "blog", siteKey: "fk_2", now: 1)
        let conditions = TriggerConditions(urlContains: "/pricing", secondsOnPage: 5, pagesViewed: 2, returning: false, referrerHost: "example.com", countries: ["DE"])
        for (n, name) in ["One", "Two", "Three"].enumerated() {
            let added = try await store.addTrigger(accountID: shop.id, Trigger(id: "tr_\(n)", name: name, message: "Hi \(name)", position: 99, conditions: conditions), limit: 3)
            #expect(added?.position == n, "placed last, whatever position it came with")
        }
        #expect(try await store.addTrigger(accountID: shop.id, Trigger(id: "tr_9", name: "Four", message: "Hi", position: 3), limit: 3) == nil, "the limit")
        #expect(try await store.addTrigger(accountID: blog.id, Trigger(id: "tr_0", name: "Blog", message: "Hi", position: 0), limit: 3) != nil, "limits are per account")
        #expect(try await store.triggers(accountID: shop.id).map(\.trigger.name) == ["One", "Two", "Three"])
        #expect(try await store.triggers(accountID: shop.id).first?.trigger.conditions == conditions)

        try await store.countTrigger(accountID: shop.id, id: "tr_1", .shown, invitationID: "i_1", now: 10)
        try await store.countTrigger(accountID: shop.id, id: "tr_1", .shown, invitationID: "i_1", now: 11)  // another node's report
        try await store.countTrigger(accountID: shop.id, id: "tr_1", .shown, invitationID: "i_2", now: 12)
        try await store.countTrigger(accountID: shop.id, id: "tr_1", .dismissed, invitationID: "i_2", now: 13)
        try await store.countTrigger(accountID: shop.id, id: "tr_1", .dismissed, invitationID: "i_2", now: 14)
        try await store.countTrigger(accountID: shop.id, id: "tr_missing", .accepted, invitationID: "i_3", now: 15)
        var edited = Trigger(id: "tr_1", name: "Deux", message: "Salut", enabled: false, position: 1)
        #expect(try await store.updateTrigger(accountID: shop.id, Trigger(id: "tr_1", name: "Deux", message: "Salut", enabled: false, position: 7)))
        let two = try #require(try await store.triggers(accountID: shop.id).first { $0.trigger.id == "tr_1" })
        #expect(two == TriggerRecord(trigger: edited, shown: 2, accepted: 0, dismissed: 1), "an edit keeps the position and the counts")
        #expect(try await store.updateTrigger(accountID: shop.id, Trigger(id: "tr_gone", name: "X", message: "Y", position: 0)) == false)
        #expect(try await store.updateTrigger(accountID: blog.id, Trigger(id: "tr_1", name: "X", message: "Y", position: 0)) == false, "not another account's")
        #expect(try await store.triggers(accountID: shop.id).count == 3, "an edit of a missing trigger adds nothing")

        #expect(try await store.reorderTriggers(accountID: shop.id, ids: ["tr_2", "tr_1"]) == false, "every trigger, once")
        #expect(try await store.reorderTriggers(accountID: shop.id, ids: ["tr_2", "tr_1", "tr_1"]) == false)
        #expect(try await store.triggers(accountID: shop.id).map(\.trigger.id) == ["tr_0", "tr_1", "tr_2"], "refused orders change nothing")
        #expect(try await store.reorderTriggers(accountID: shop.id, ids: ["tr_2", "tr_1", "tr_0"]))
        #expect(try await store.triggers(accountID: shop.id).map(\.trigger.id) == ["tr_2", "tr_1", "tr_0"])
        #expect(try await store.deleteTrigger(accountID: shop.id, id: "tr_2"))
        #expect(try await store.deleteTrigger(accountID: shop.id, id: "tr_2") == false)
        #expect(try await store.triggers(accountID: shop.id).map(\.trigger.position) == [0, 1])
        #expect(try await store.triggers(accountID: blog.id).map(\.trigger.name) == ["Blog"], "another account's triggers are apart")
        edited.position = 0

        let owner = try await store.createUser(accountID: shop.id, email: "o@shop.example", passwordHash: "$2b$", role: .owner, now: 1)
        let agent = try await store.createUser(accountID: shop.id, email: "a@shop.example", passwordHash: "$2b$", role: .agent, now: 1)
        #expect(try await store.noticeSettings(userID: agent.id) == NoticeSettings())
        try await store.setNoticeSettings(userID: agent.id, NoticeSettings(sound: true, desktop: false))
        try await store.setNoticeSettings(userID: agent.id, NoticeSettings(sound: true, desktop: true))
        #expect(try await store.noticeSettings(userID: agent.id) == NoticeSettings(sound: true, desktop: true))
        #expect(try await store.noticeSettings(userID: owner.id) == NoticeSettings())
        try await store.deleteUser(id: agent.id)
        #expect(try await store.noticeSettings(userID: agent.id) == NoticeSettings())
        try await store.close()
    }
}
