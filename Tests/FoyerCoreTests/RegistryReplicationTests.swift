import Foundation
import FoyerCore
import Testing

/// What lets cluster nodes agree: a registry replayed from the same seed and operations
/// ends in the same state, and survives a snapshot (encode, decode) whole.
@Suite("Registry replication")
struct RegistryReplicationTests {
    let start: Int64 = 1_764_000_000_000

    func hello(_ tab: String) -> TabHello {
        TabHello(tab: tab, url: "https://shop.example/\(tab)", title: tab)
    }

    /// A fixed mix of arrivals over the limit, leaving, chatting, archiving and time.
    func replay(_ registry: inout AccountRegistry) -> [RegistryEvent] {
        var events: [RegistryEvent] = []
        for index in 0..<8 {
            events += registry.connect(hello("tab-\(index)0000000"), connection: ConnectionID(index + 1), now: start + Int64(index)).events
        }
        events += registry.startChat(tab: "tab-20000000", chatID: "c_1", now: start + 10)
        events += registry.disconnect(tab: "tab-00000000", connection: 1, now: start + 20)
        events += registry.tick(now: start + 20_000)
        if let entry = registry.entry(tab: "tab-20000000") { events += registry.archive(entryID: entry.id, now: start + 21_000) }
        events += registry.tick(now: start + 40 * 60_000)
        return events
    }

    @Test func twoCopiesWithOneSeedAgreeOnIdsAndNumbers() {
        let configuration = RegistryConfiguration(entryLimit: 5)
        var first = AccountRegistry(configuration: configuration, seed: 42)
        var second = AccountRegistry(configuration: configuration, seed: 42)
        #expect(replay(&first) == replay(&second))
        #expect(first.shownEntries == second.shownEntries)
        #expect(first.waitingTabs == second.waitingTabs)
        var other = AccountRegistry(configuration: configuration, seed: 43)
        _ = replay(&other)
        #expect(other.shownEntries.map(\.number) == first.shownEntries.map(\.number))
        #expect(other.shownEntries.map(\.id) != first.shownEntries.map(\.id), "another seed names entries differently")
    }

    @Test func aSnapshotContinuesExactlyLikeTheOriginal() throws {
        var original = AccountRegistry(configuration: RegistryConfiguration(entryLimit: 5), seed: 7)
        _ = original.connect(hello("tab-a0000000"), connection: 1, now: start)
        _ = original.connect(hello("tab-b0000000"), connection: 2, now: start + 1)
        _ = original.disconnect(tab: "tab-a0000000", connection: 1, now: start + 2)
        var copy = try JSONDecoder().decode(AccountRegistry.self, from: JSONEncoder().encode(original))
        #expect(replay(&copy) == replay(&original))
        #expect(copy.shownEntries == original.shownEntries)
        #expect(copy.connections.sorted() == original.connections.sorted())
    }

    @Test func aGoneNodesConnectionsCloseAndTheGraceRuns() {
        var registry = AccountRegistry(configuration: RegistryConfiguration(disconnectGraceMillis: 1_000))
        let nodeA: ConnectionID = 1 << 40
        let nodeB: ConnectionID = 2 << 40
        _ = registry.connect(hello("tab-a0000000"), connection: nodeA | 1, now: start)
        _ = registry.connect(hello("tab-b0000000"), connection: nodeB | 1, now: start)
        // A tab greeting again on the same socket is not counted twice.
        _ = registry.connect(hello("tab-a0000000"), connection: nodeA | 1, now: start + 1)
        #expect(registry.connections.count == 2)
        _ = registry.disconnectAll(where: { $0 >> 40 == 1 }, now: start + 10)
        let events = registry.tick(now: start + 1_010)
        let offline = events.compactMap { if case .changed(let update) = $0, update.entry.status == .offline { update.entry.tab } else { nil } }
        #expect(offline == ["tab-a0000000"])
    }
}
