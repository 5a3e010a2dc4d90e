import FoyerCore
import Testing

/// Idle (SPEC section 11): derived by the registry from the tracker's reports, with
/// injected times.
@Suite("Registry: Idle")
struct RegistryActivityTests {
    let start: Int64 = 1_764_000_000_000
    let tab = "tab-aaaaaaaa"

    func hello(_ tab: String) -> TabHello { TabHello(tab: tab, url: "https://shop.example/", title: "Home") }

    func statuses(_ events: [RegistryEvent]) -> [EntryStatus] {
        events.compactMap { if case .changed(let update) = $0 { update.entry.status } else { nil } }
    }

    @Test func inactiveTurnsIdleAndInputTurnsOnlineAgain() throws {
        var registry = AccountRegistry()
        _ = registry.connect(hello(tab), connection: 1, now: start)
        #expect(statuses(registry.activity(tab: tab, inactive: true, now: start + 300_000)) == [.idle])
        let entry = try #require(registry.entry(tab: tab))
        #expect(entry.status == .idle && entry.inactiveSince == start + 300_000)
        #expect(registry.statusCounts == [.idle: 1])
        #expect(registry.counters.live == 1, "Live Visitors counts an Idle entry")
        // A second report changes nothing (the first time is kept).
        #expect(registry.activity(tab: tab, inactive: true, now: start + 400_000).isEmpty)
        #expect(registry.entry(tab: tab)?.inactiveSince == start + 300_000)
        #expect(statuses(registry.activity(tab: tab, inactive: false, now: start + 500_000)) == [.online])
        #expect(registry.entry(tab: tab)?.inactiveSince == nil)
        #expect(registry.statusCounts == [.online: 1])
    }

    @Test func chattingOutranksIdleAndOfflineOutranksBoth() {
        var registry = AccountRegistry(configuration: RegistryConfiguration(disconnectGraceMillis: 1_000))
        _ = registry.connect(hello(tab), connection: 1, now: start)
        _ = registry.activity(tab: tab, inactive: true, now: start + 1)
        #expect(statuses(registry.startChat(tab: tab, chatID: "c_1", now: start + 2)) == [.chatting])
        // Idle reports while chatting change nothing dashboards see.
        #expect(registry.activity(tab: tab, inactive: false, now: start + 3).isEmpty)
        #expect(registry.activity(tab: tab, inactive: true, now: start + 4).isEmpty)
        #expect(registry.entry(tab: tab)?.status == .chatting)
        _ = registry.disconnect(tab: tab, connection: 1, now: start + 5)
        // In the grace the status stays; after it the tab is Offline, and reports are ignored.
        #expect(registry.tick(now: start + 500).isEmpty)
        #expect(statuses(registry.tick(now: start + 1_005)) == [.offline])
        #expect(registry.activity(tab: tab, inactive: true, now: start + 1_006).isEmpty)
        #expect(registry.entry(tab: tab)?.status == .offline && registry.entry(tab: tab)?.inactiveSince == nil)
    }

    @Test func aNewPageStartsActiveButAResyncKeepsIdle() {
        var registry = AccountRegistry()
        _ = registry.connect(hello(tab), connection: 1, now: start)
        _ = registry.activity(tab: tab, inactive: true, now: start + 1)
        // A node resynchronising asks the same socket to greet again: still Idle.
        #expect(registry.connect(hello(tab), connection: 1, now: start + 2).events.isEmpty)
        #expect(registry.entry(tab: tab)?.status == .idle)
        // A reload (even of a hidden tab) is a new socket: Online until its tracker reports again.
        _ = registry.disconnect(tab: tab, connection: 1, now: start + 3)
        #expect(statuses(registry.connect(hello(tab), connection: 2, now: start + 4).events) == [.online])
        #expect(registry.entry(tab: tab)?.inactiveSince == nil)
    }

    @Test func idleSurvivesARestartUntilItsTabResumes() throws {
        var registry = AccountRegistry()
        _ = registry.connect(hello(tab), connection: 1, now: start)
        _ = registry.activity(tab: tab, inactive: true, now: start + 1)
        var restarted = AccountRegistry()
        restarted.restore(registry.shownEntries, now: start + 10)
        #expect(restarted.statusCounts == [.idle: 1])
        _ = restarted.connect(hello(tab), connection: 9, now: start + 20)
        #expect(restarted.entry(tab: tab)?.status == .online)
    }

    @Test func reportsOfUnknownTabsChangeNothing() {
        var registry = AccountRegistry()
        #expect(registry.activity(tab: "tab-unknown1", inactive: true, now: start).isEmpty)
        #expect(registry.statusCounts.isEmpty)
    }
}
