import Foundation
import FoyerCore
import Testing

/// Block visitor (SPEC section 11): a browser's tabs leave at once and stay out until
/// unblocked or the block ends, judged by the commands' times.
@Suite("Registry: blocking")
struct RegistryBlockingTests {
    let start: Int64 = 1_764_000_000_000
    let day: Int64 = 86_400_000

    func hello(_ tab: String, browser: String?) -> TabHello {
        TabHello(tab: tab, url: "https://shop.example/", title: "Home", browser: browser)
    }

    func removed(_ events: [RegistryEvent]) -> [String: RemovalReason] {
        Dictionary(uniqueKeysWithValues: events.compactMap { if case .removed(let id, let reason) = $0 { (id, reason) } else { nil } })
    }

    @Test func blockRemovesEveryTabOfTheBrowserAndRefusesItsHellos() throws {
        var registry = AccountRegistry()
        _ = registry.connect(hello("tab-aaaaaaaa", browser: "b-1"), connection: 1, now: start)
        _ = registry.connect(hello("tab-bbbbbbbb", browser: "b-1"), connection: 2, now: start)
        _ = registry.connect(hello("tab-cccccccc", browser: "b-2"), connection: 3, now: start)
        let ids = ["tab-aaaaaaaa", "tab-bbbbbbbb"].compactMap { registry.entry(tab: $0)?.id }
        let result = registry.block("b-1", until: start + 30 * day, now: start + 1)
        #expect(removed(result.events) == Dictionary(uniqueKeysWithValues: ids.map { ($0, .blocked) }))
        #expect(Set(result.stoppedTabs) == ["tab-aaaaaaaa", "tab-bbbbbbbb"])
        #expect(result.events.contains(.counters(Counters(live: 1, chats: 0, waiting: 0))))
        #expect(registry.shownEntries.map(\.tab) == ["tab-cccccccc"])
        // The numbers are free again.
        _ = registry.connect(hello("tab-dddddddd", browser: nil), connection: 4, now: start + 2)
        #expect(registry.entry(tab: "tab-dddddddd")?.number == 1)
        // Later hellos of the browser, new tab or old, are refused.
        #expect(registry.connect(hello("tab-eeeeeeee", browser: "b-1"), connection: 5, now: start + day).outcome == .blocked)
        #expect(registry.connect(hello("tab-aaaaaaaa", browser: "b-1"), connection: 6, now: start + day).outcome == .blocked)
        #expect(registry.isBlocked("b-1", now: start + day))
    }

    @Test func aTabWithoutBrowserIsBlockedByItsOwnKey() {
        var registry = AccountRegistry()
        _ = registry.connect(hello("t.0001", browser: nil), connection: 1, now: start)
        let result = registry.block("t.0001", until: start + day, now: start + 1)
        #expect(result.stoppedTabs == ["t.0001"])
        #expect(registry.connect(hello("t.0001", browser: nil), connection: 2, now: start + 2).outcome == .blocked)
        // Another tab of the same (unknown) browser is not affected.
        #expect(registry.connect(hello("t.0002", browser: nil), connection: 3, now: start + 2).outcome != .blocked)
    }

    @Test func unblockShowsTheBrowserAgainOnItsNextHello() {
        var registry = AccountRegistry()
        _ = registry.block("b-1", until: start + day, now: start)
        #expect(registry.connect(hello("tab-aaaaaaaa", browser: "b-1"), connection: 1, now: start + 1).outcome == .blocked)
        registry.unblock("b-1")
        #expect(registry.blocked.isEmpty)
        guard case .shown = registry.connect(hello("tab-aaaaaaaa", browser: "b-1"), connection: 2, now: start + 2).outcome else {
            Issue.record("an unblocked browser is shown again")
            return
        }
    }

    @Test func expiredBlocksAreIgnoredThenPurged() {
        var registry = AccountRegistry()
        _ = registry.block("b-1", until: start + day, now: start)
        #expect(registry.connect(hello("tab-aaaaaaaa", browser: "b-1"), connection: 1, now: start + day - 1).outcome == .blocked)
        // From the end of the block on, hellos are welcome, before any tick purged it.
        if case .shown = registry.connect(hello("tab-aaaaaaaa", browser: "b-1"), connection: 2, now: start + day).outcome {} else {
            Issue.record("an expired block still refuses")
        }
        #expect(registry.blocked == ["b-1": start + day])
        _ = registry.tick(now: start + day + 1)
        #expect(registry.blocked.isEmpty)
    }

    @Test func waitingAndArchivedTabsOfTheBrowserGoToo() {
        var registry = AccountRegistry(configuration: RegistryConfiguration(entryLimit: 1))
        _ = registry.connect(hello("tab-aaaaaaaa", browser: "b-2"), connection: 1, now: start)
        _ = registry.connect(hello("tab-bbbbbbbb", browser: "b-1"), connection: 2, now: start)
        #expect(registry.waitingTabs == ["tab-bbbbbbbb"])
        _ = registry.startChat(tab: "tab-aaaaaaaa", chatID: "c_1", now: start + 1)
        let id = registry.entry(tab: "tab-aaaaaaaa")!.id
        // Archiving hides tab a and lets the waiting tab b in.
        _ = registry.archive(entryID: id, now: start + 2)
        #expect(registry.entry(tab: "tab-bbbbbbbb") != nil && registry.isDismissed(tab: "tab-aaaaaaaa"))
        _ = registry.block("b-2", until: start + day, now: start + 3)
        #expect(!registry.isDismissed(tab: "tab-aaaaaaaa"), "the hidden tab of the blocked browser is forgotten")
        #expect(registry.entry(tab: "tab-bbbbbbbb") != nil, "another browser's entry stays")
        let waiting = registry.connect(hello("tab-cccccccc", browser: "b-2"), connection: 3, now: start + 4)
        #expect(waiting.outcome == .blocked && registry.waitingTabs.isEmpty)
    }

    @Test func blocksTravelWithTheState() throws {
        var registry = AccountRegistry()
        _ = registry.block("b-1", until: start + day, now: start)
        let copy = try JSONDecoder().decode(AccountRegistry.self, from: JSONEncoder().encode(registry))
        #expect(copy.isBlocked("b-1", now: start + 1))
    }
}
