import FoyerCore
import Testing

/// People who are there come before history (SPEC section 2, issue 19 item 2): Offline
/// entries give their places to connected tabs, one address holds at most its share, and
/// an entry's history is bounded in bytes.
@Suite("Registry: room for people who are there")
struct RegistryRoomTests {
    let start: Int64 = 1_764_000_000_000
    let grace: Int64 = 15_000

    func hello(_ tab: String, from key: String? = nil, url: String = "https://shop.example/") -> TabHello {
        TabHello(tab: tab, url: url, title: "Home", clientKey: key)
    }

    func removed(_ events: [RegistryEvent]) -> [RemovalReason] {
        events.compactMap { if case .removed(_, let reason) = $0 { reason } else { nil } }
    }

    /// Fills an account with `count` tabs that connect and leave, then lets them turn Offline.
    func filledWithHistory(limit: Int, count: Int, configuration: RegistryConfiguration? = nil) -> (AccountRegistry, Int64) {
        var registry = AccountRegistry(configuration: configuration ?? .init(entryLimit: limit), seed: 1)
        var now = start
        for index in 0..<count {
            _ = registry.connect(hello("tab-left-\(index)"), connection: ConnectionID(index), now: now)
            _ = registry.disconnect(tab: "tab-left-\(index)", connection: ConnectionID(index), now: now)
            now += 100
        }
        now += grace
        _ = registry.tick(now: now)
        return (registry, now)
    }

    @Test func aNewTabTakesTheOldestOfflinePlace() throws {
        var (registry, now) = filledWithHistory(limit: 3, count: 3)
        #expect(registry.statusCounts[.offline] == 3)
        let oldest = try #require(registry.entry(tab: "tab-left-0"))
        now += 1_000
        let result = registry.connect(hello("tab-here-000"), connection: 100, now: now)
        guard case .shown = result.outcome else {
            Issue.record("a connected tab waited behind Offline history: \(result.outcome)")
            return
        }
        #expect(result.events.first == .removed(id: oldest.id, reason: .madeRoom))
        #expect(registry.entry(tab: "tab-left-0") == nil && registry.entry(tab: "tab-left-1") != nil, "only the oldest went")
        #expect(registry.entry(tab: "tab-here-000")?.number == oldest.number, "its number is free again")
    }

    @Test func historyStaysWhileThereIsRoom() {
        var (registry, now) = filledWithHistory(limit: 5, count: 3)
        now += 1_000
        let result = registry.connect(hello("tab-here-000"), connection: 100, now: now)
        #expect(removed(result.events).isEmpty)
        #expect(registry.counters.live == 4 && registry.statusCounts[.offline] == 3)
        // And retention still removes it after 30 minutes.
        #expect(removed(registry.tick(now: now + 30 * 60_000)) == [.expired, .expired, .expired])
    }

    @Test func aWaitingTabGetsThePlaceOfAnEntryTurningOffline() {
        var registry = AccountRegistry(configuration: .init(entryLimit: 1), seed: 1)
        _ = registry.connect(hello("tab-first-00"), connection: 1, now: start)
        #expect(registry.connect(hello("tab-second-0"), connection: 2, now: start).outcome == .waiting)
        _ = registry.disconnect(tab: "tab-first-00", connection: 1, now: start)
        let events = registry.tick(now: start + grace)
        #expect(removed(events) == [.madeRoom], "not after 30 minutes: as soon as it is Offline")
        #expect(registry.entry(tab: "tab-second-0") != nil && registry.waitingTabs.isEmpty)
    }

    @Test func whatATabSaysWhileWaitingIsItsEntrysWhenLetIn() throws {
        var registry = AccountRegistry(configuration: .init(entryLimit: 1), seed: 1)
        _ = registry.connect(hello("tab-first-00"), connection: 1, now: start)
        #expect(registry.connect(hello("tab-second-0"), connection: 2, now: start).outcome == .waiting)
        // The site's script runs and the tab goes idle while it waits: nothing shows yet.
        #expect(registry.identify(tab: "tab-second-0", identity: VisitorProfile(id: "u-7", name: "Ada", email: "ada@example.com"), now: start).isEmpty)
        #expect(registry.setAttributes(tab: "tab-second-0", [VisitorAttribute(name: "plan", value: .string("pro"))], now: start).isEmpty)
        #expect(registry.track(tab: "tab-second-0", event: "viewed-pricing", now: start + 1).isEmpty)
        #expect(registry.activity(tab: "tab-second-0", inactive: true, now: start + 2).isEmpty)
        _ = registry.disconnect(tab: "tab-first-00", connection: 1, now: start)
        _ = registry.tick(now: start + grace)
        let entry = try #require(registry.entry(tab: "tab-second-0"))
        #expect(entry.profile?.name == "Ada" && entry.profile?.id == "u-7")
        #expect(entry.profile?.attributes.map(\.name) == ["plan"])
        #expect(entry.events?.map(\.name) == ["viewed-pricing"])
        #expect(entry.status == .idle && entry.inactiveSince == start + 2, "still inactive when let in")
        // Active again before being let in: Online.
        #expect(registry.connect(hello("tab-third-00"), connection: 3, now: start + grace).outcome == .waiting)
        _ = registry.activity(tab: "tab-third-00", inactive: true, now: start + grace)
        _ = registry.activity(tab: "tab-third-00", inactive: false, now: start + grace + 1)
        _ = registry.disconnect(tab: "tab-second-0", connection: 2, now: start + grace)
        _ = registry.tick(now: start + 2 * grace)
        #expect(registry.entry(tab: "tab-third-00")?.status == .online)
    }

    @Test func oneAddressHoldsAtMostItsShare() throws {
        // 520 connect–hello–close cycles from one address (issue 19): it keeps 50 places.
        let rules = RegistryConfiguration(entryLimit: 500)
        #expect(rules.placesPerAddress == 50)
        var registry = AccountRegistry(configuration: rules, seed: 1)
        var now = start
        for index in 0..<520 {
            let tab = "tab-flood-\(index)"
            let result = registry.connect(hello(tab, from: "attacker"), connection: ConnectionID(index), now: now)
            _ = registry.disconnect(tab: tab, connection: ConnectionID(index), now: now)
            if index < 50 { #expect(result.outcome != .waiting) }
            now += 12
        }
        #expect(registry.counters.live <= 50, "one address holds \(registry.counters.live) places")
        // Its newest tabs replace its own oldest history once that is Offline...
        now += grace
        _ = registry.tick(now: now)
        let flood = registry.connect(hello("tab-flood-new", from: "attacker"), connection: 1_000, now: now)
        #expect(removed(flood.events) == [.madeRoom])
        #expect(registry.counters.live == 50)
        // ...and a real visitor from elsewhere is shown at once.
        let visitor = registry.connect(hello("tab-visitor-1", from: "someone"), connection: 1_001, now: now)
        guard case .shown = visitor.outcome else {
            Issue.record("a visitor from another address waited: \(visitor.outcome)")
            return
        }
    }

    @Test func anAddressAtItsShareWaitsEvenWithRoom() {
        let rules = RegistryConfiguration(entryLimit: 10, addressSharePercent: 0, minimumPlacesPerAddress: 2)
        var registry = AccountRegistry(configuration: rules, seed: 1)
        _ = registry.connect(hello("tab-a-000001", from: "a"), connection: 1, now: start)
        _ = registry.connect(hello("tab-a-000002", from: "a"), connection: 2, now: start)
        #expect(registry.connect(hello("tab-a-000003", from: "a"), connection: 3, now: start).outcome == .waiting)
        // Others pass the waiting tab: it waits for its own address, not for room.
        guard case .shown = registry.connect(hello("tab-b-000001", from: "b"), connection: 4, now: start).outcome else {
            Issue.record("a tab of another address waited")
            return
        }
        guard case .shown = registry.connect(hello("tab-x-000001"), connection: 5, now: start).outcome else {
            Issue.record("a tab without a known address waited")
            return
        }
        // One of a's tabs leaves for good: the waiting one takes its place.
        _ = registry.disconnect(tab: "tab-a-000001", connection: 1, now: start)
        let events = registry.tick(now: start + grace)
        #expect(removed(events) == [.madeRoom])
        #expect(registry.entry(tab: "tab-a-000003") != nil && registry.waitingTabs.isEmpty)
    }

    @Test func historyIsBoundedInBytes() throws {
        var registry = AccountRegistry(seed: 1)
        _ = registry.connect(hello("tab-history-1"), connection: 1, now: start)
        let long = "https://shop.example/" + String(repeating: "p", count: 2_000)
        let title = String(repeating: "\u{1F600}", count: 300)  // 1,200 bytes
        for page in 0..<50 {
            _ = registry.navigate(tab: "tab-history-1", url: long + "\(page)", title: title, now: start + Int64(page))
        }
        let entry = try #require(registry.entry(tab: "tab-history-1"))
        let bytes = entry.pages.reduce(0) { $0 + $1.url.utf8.count + $1.title.utf8.count }
        #expect(bytes <= RegistryConfiguration().historyByteLimit, "history holds \(bytes) bytes")
        #expect(entry.pages.last?.url == long + "49", "the current page stays")
        #expect(entry.pages.count < 50)
        // Ordinary pages still keep 50.
        _ = registry.connect(hello("tab-history-2"), connection: 2, now: start)
        for page in 0..<60 {
            _ = registry.navigate(tab: "tab-history-2", url: "https://shop.example/products/item-\(page)", title: "Item \(page) – Shop", now: start + Int64(page))
        }
        #expect(registry.entry(tab: "tab-history-2")?.pages.count == 50)
    }

    @Test func copiesAgreeOnWhoMakesRoom() {
        // Replicas apply the same commands: the same entries go, with the same ids.
        func run() -> [RegistryEvent] {
            var registry = AccountRegistry(configuration: .init(entryLimit: 4, addressSharePercent: 0, minimumPlacesPerAddress: 2), seed: 7)
            var events: [RegistryEvent] = []
            for index in 0..<12 {
                let tab = "tab-rep-\(index)"
                let result = registry.connect(hello(tab, from: index % 3 == 0 ? "a" : "b"), connection: ConnectionID(index), now: start + Int64(index))
                events += result.events
                if index % 2 == 0 { events += registry.disconnect(tab: tab, connection: ConnectionID(index), now: start + Int64(index)) }
                events += registry.tick(now: start + Int64(index) * grace)
            }
            return events
        }
        #expect(run() == run())
    }
}
