import FoyerCore
import Testing

@Suite("Account registry")
struct AccountRegistryTests {
    let start: Int64 = 1_764_000_000_000
    let minute: Int64 = 60_000

    func hello(_ tab: String, url: String = "https://shop.example/", title: String = "Home", firstSeen: Int64? = nil) -> TabHello {
        TabHello(tab: tab, browserFirstSeen: firstSeen, url: url, title: title, referrer: "", language: "en-US", timezone: "Europe/Istanbul")
    }

    func added(_ events: [RegistryEvent]) -> [Entry] {
        events.compactMap { if case .added(let entry) = $0 { entry } else { nil } }
    }

    @Test func oneEntryPerTabNumberedFromOne() {
        var registry = AccountRegistry()
        let a = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        let b = registry.connect(hello("tab-bbbbbbbb"), connection: 2, now: start + 1)
        let c = registry.connect(hello("tab-cccccccc"), connection: 3, now: start + 2)
        #expect(added(a.events + b.events + c.events).map(\.name) == ["Visitor 1", "Visitor 2", "Visitor 3"])
        #expect(registry.counters == Counters(live: 3, chats: 0, waiting: 0))
        #expect(registry.shownEntries.map(\.number) == [3, 2, 1], "most recently connected first")
    }

    @Test func navigationAndReloadKeepTheEntry() throws {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        // A link click: the old page's socket closes, the new page's socket says hello.
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start + 1000)
        let resumed = registry.connect(hello("tab-aaaaaaaa", url: "https://shop.example/pricing", title: "Pricing"), connection: 2, now: start + 1200)
        guard case .shown(let id, let wasResumed) = resumed.outcome else { Issue.record("not shown"); return }
        #expect(wasResumed)
        let entry = try #require(registry.entry(id: id))
        #expect(entry.number == 1 && entry.status == .online)
        #expect(entry.url == "https://shop.example/pricing")
        #expect(entry.pages.map(\.title) == ["Home", "Pricing"])
        #expect(registry.counters.live == 1)
        // The grace never ran out, so the entry never turned Offline.
        #expect(registry.tick(now: start + 60_000).isEmpty)
        #expect(registry.entry(id: id)?.status == .online)
    }

    @Test func reloadWithOverlappingSocketsStaysOnline() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 2, now: start + 10)
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start + 20)
        _ = registry.tick(now: start + 10 * minute)
        #expect(registry.entry(tab: "tab-aaaaaaaa")?.status == .online)
    }

    @Test func goesOfflineAfterGraceAndIsRemovedAfterThirtyMinutes() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start + minute)
        #expect(registry.tick(now: start + minute + 14_999).isEmpty)
        let offline = registry.tick(now: start + minute + 15_000)
        #expect(offline.contains { if case .changed(let update) = $0, case let e = update.entry { e.status == .offline && e.leftAt == start + minute } else { false } })
        #expect(registry.tick(now: start + 31 * minute - 1).isEmpty)
        let removed = registry.tick(now: start + 31 * minute)
        #expect(removed.contains { if case .removed(_, .expired) = $0 { true } else { false } })
        #expect(registry.counters.live == 0)
    }

    @Test func offlineTabComingBackResumesItsNumber() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start)
        _ = registry.tick(now: start + 5 * minute)
        #expect(registry.entry(tab: "tab-aaaaaaaa")?.status == .offline)
        let back = registry.connect(hello("tab-aaaaaaaa"), connection: 2, now: start + 10 * minute)
        #expect(back.events.contains { if case .changed(let update) = $0, case let e = update.entry { e.status == .online && e.number == 1 && e.leftAt == nil } else { false } })
    }

    @Test func freedNumbersAreReusedSmallestFirst() {
        var registry = AccountRegistry()
        for index in 1...4 { _ = registry.connect(hello("tab-\(index)xxxxxxx"), connection: ConnectionID(index), now: start) }
        let two = registry.entry(tab: "tab-2xxxxxxx")!.id
        let three = registry.entry(tab: "tab-3xxxxxxx")!.id
        _ = registry.archive(entryID: three, now: start)
        _ = registry.archive(entryID: two, now: start)
        let next = registry.connect(hello("tab-5xxxxxxx"), connection: 5, now: start)
        let after = registry.connect(hello("tab-6xxxxxxx"), connection: 6, now: start)
        #expect(added(next.events).map(\.number) == [2])
        #expect(added(after.events).map(\.number) == [3])
    }

    @Test func returningVisitorRule() {
        var registry = AccountRegistry()
        let fresh = registry.connect(hello("tab-aaaaaaaa", firstSeen: start - 30 * minute), connection: 1, now: start)
        let back = registry.connect(hello("tab-bbbbbbbb", firstSeen: start - 30 * minute - 1), connection: 2, now: start)
        let new = registry.connect(hello("tab-cccccccc", firstSeen: nil), connection: 3, now: start)
        #expect(added(fresh.events).map(\.returning) == [false])
        #expect(added(back.events).map(\.returning) == [true])
        #expect(added(new.events).map(\.returning) == [false])
    }

    @Test func newRulesApplyAtOnce() {
        var registry = AccountRegistry(configuration: .init(entryLimit: 2))
        for (index, tab) in ["tab-aaaaaaaa", "tab-bbbbbbbb", "tab-cccccccc", "tab-dddddddd"].enumerated() {
            _ = registry.connect(hello(tab), connection: ConnectionID(index + 1), now: start + Int64(index))
        }
        #expect(registry.counters == Counters(live: 2, chats: 0, waiting: 2))
        // A higher limit lets the first tab in line in.
        let raised = registry.setConfiguration(.init(entryLimit: 3, disconnectGraceMillis: 1_000), now: start + 10)
        #expect(added(raised).map(\.tab) == ["tab-cccccccc"])
        #expect(registry.counters == Counters(live: 3, chats: 0, waiting: 1))
        // A lower one stops admissions but removes no one.
        #expect(registry.setConfiguration(.init(entryLimit: 1), now: start + 11).isEmpty)
        #expect(registry.counters == Counters(live: 3, chats: 0, waiting: 1))
        // The new grace is the one that runs.
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start + 20)
        #expect(registry.tick(now: start + 20 + 1_000).contains { if case .changed(let update) = $0 { update.entry.status == .offline } else { false } } == false)
        _ = registry.setConfiguration(.init(entryLimit: 1, disconnectGraceMillis: 500), now: start + 21)
        #expect(registry.tick(now: start + 20 + 1_000).contains { if case .changed(let update) = $0 { update.entry.status == .offline } else { false } })
    }

    @Test func limitQueuesTabsInArrivalOrder() {
        var registry = AccountRegistry(configuration: .init(entryLimit: 2))
        _ = registry.connect(hello("tab-1xxxxxxx"), connection: 1, now: start)
        _ = registry.connect(hello("tab-2xxxxxxx"), connection: 2, now: start)
        let third = registry.connect(hello("tab-3xxxxxxx"), connection: 3, now: start + 1)
        let fourth = registry.connect(hello("tab-4xxxxxxx"), connection: 4, now: start + 2)
        let fifth = registry.connect(hello("tab-5xxxxxxx"), connection: 5, now: start + 3)
        #expect(third.outcome == .waiting && fourth.outcome == .waiting && fifth.outcome == .waiting)
        #expect(registry.counters == Counters(live: 2, chats: 0, waiting: 3))
        // The third tab leaves while waiting: it must never appear.
        _ = registry.disconnect(tab: "tab-3xxxxxxx", connection: 3, now: start + 4)
        let first = registry.entry(tab: "tab-1xxxxxxx")!.id
        let events = registry.archive(entryID: first, now: start + 5)
        #expect(added(events).map(\.tab) == ["tab-4xxxxxxx"])
        #expect(added(events).map(\.number) == [1])
        #expect(registry.counters == Counters(live: 2, chats: 0, waiting: 1))
        #expect(registry.waitingTabs == ["tab-5xxxxxxx"])
    }

    @Test func chattingAndArchive() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        let chat = registry.startChat(tab: "tab-aaaaaaaa", chatID: "c1", now: start)
        #expect(chat.contains(.counters(Counters(live: 1, chats: 1, waiting: 0))))
        #expect(registry.entry(tab: "tab-aaaaaaaa")?.status == .chatting)
        let id = registry.entry(tab: "tab-aaaaaaaa")!.id
        let archived = registry.archive(entryID: id, now: start)
        #expect(archived.first == .removed(id: id, reason: .archived))
        let next = registry.connect(hello("tab-bbbbbbbb"), connection: 2, now: start)
        #expect(added(next.events).map(\.number) == [1])
    }

    @Test func trackingOffClearsEverythingAndRefusesTabs() {
        var registry = AccountRegistry(configuration: .init(entryLimit: 1))
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        _ = registry.connect(hello("tab-bbbbbbbb"), connection: 2, now: start)
        let off = registry.setTracking(false)
        #expect(off.events.first == .tracking(enabled: false))
        #expect(Set(off.stoppedTabs) == ["tab-aaaaaaaa", "tab-bbbbbbbb"])
        #expect(registry.counters == Counters(live: 0, chats: 0, waiting: 0))
        #expect(registry.connect(hello("tab-cccccccc"), connection: 3, now: start).outcome == .trackingOff)
        _ = registry.setTracking(true)
        #expect(registry.connect(hello("tab-cccccccc"), connection: 4, now: start).outcome == .shown(entryID: registry.entry(tab: "tab-cccccccc")?.id ?? "", resumed: false))
    }

    @Test func historyIsBounded() {
        var registry = AccountRegistry(configuration: .init(historyLimit: 3))
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        for page in 1...10 {
            _ = registry.navigate(tab: "tab-aaaaaaaa", url: "https://shop.example/\(page)", title: "P\(page)", now: start + Int64(page))
        }
        #expect(registry.entry(tab: "tab-aaaaaaaa")?.pages.map(\.title) == ["P8", "P9", "P10"])
    }

    @Test func restartResumesWithoutFlashingOffline() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        _ = registry.connect(hello("tab-bbbbbbbb"), connection: 2, now: start)
        let saved = registry.shownEntries
        var restarted = AccountRegistry()
        restarted.restore(saved, now: start + 1000)
        let back = restarted.connect(hello("tab-bbbbbbbb"), connection: 7, now: start + 2000)
        #expect(back.events.isEmpty, "same page, same status: nothing changes on dashboards")
        let events = restarted.tick(now: start + 1000 + 15_000)
        // Only the tab that never came back turns Offline.
        #expect(events.count == 1)
        #expect(restarted.entry(tab: "tab-aaaaaaaa")?.status == .offline)
        #expect(restarted.entry(tab: "tab-bbbbbbbb")?.status == .online)
        let next = restarted.connect(hello("tab-cccccccc"), connection: 8, now: start + 20_000)
        #expect(added(next.events).map(\.number) == [3])
    }

    @Test func archivedTabStaysHiddenUntilItChatsAgain() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 1, now: start)
        _ = registry.startChat(tab: "tab-aaaaaaaa", chatID: "c1", now: start)
        _ = registry.archive(entryID: registry.entry(tab: "tab-aaaaaaaa")!.id, now: start)
        // Clicking a link after the archive does not bring the visitor back.
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start + 10)
        #expect(registry.connect(hello("tab-aaaaaaaa", url: "https://shop.example/b"), connection: 2, now: start + 20).outcome == .hidden)
        #expect(registry.navigate(tab: "tab-aaaaaaaa", url: "https://shop.example/c", title: "C", now: start + 30).isEmpty)
        #expect(registry.counters.live == 0)
        // Writing again starts a new chat: a new entry, Chatting, on its current page.
        let again = registry.startChat(tab: "tab-aaaaaaaa", chatID: "c2", now: start + 40)
        let entry = added(again).first
        #expect(entry?.status == .chatting && entry?.url == "https://shop.example/c" && entry?.number == 1)
    }
}
