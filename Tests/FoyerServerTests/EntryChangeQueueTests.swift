import Foundation
import FoyerCore
import FoyerStore
import Logging
import Testing

@testable import FoyerServer

/// The entry writer's queue keeps one change per entry, and a batch of it leaves the
/// same rows as every change applied in turn.
@Suite("Entry change queue")
struct EntryChangeQueueTests {
    private func entry(_ id: String, page: Int) -> Entry {
        Entry(
            id: id, tab: "tab-" + id, number: 1, status: .online, connectedAt: 0, pageSince: Int64(page),
            url: "https://shop.example/p/\(page)", title: "Page \(page)", referrer: "", language: "en", timezone: "UTC",
            returning: false, location: nil, pages: [PageView(url: "https://shop.example/p/\(page)", title: "Page \(page)", at: Int64(page))])
    }

    @Test func manyChangesOfFewEntriesStayFewChanges() {
        var queue = EntryChangeQueue()
        for page in 0..<10_000 {
            queue.add(.save(accountID: "a", entry: entry("e\(page % 3)", page: page)))
        }
        queue.add(.delete(accountID: "a", entryID: "e0"))
        #expect(queue.count == 3, "bounded by the entries, not the events")
        let batch = queue.batch()
        #expect(batch.contains(.delete(accountID: "a", entryID: "e0")))
        #expect(batch.contains(.save(accountID: "a", entry: entry("e1", page: 9_997))))
        #expect(batch.contains(.save(accountID: "a", entry: entry("e2", page: 9_998))))
    }

    @Test func aClearDropsWhatCameBeforeItOnly() {
        var queue = EntryChangeQueue()
        queue.add(.save(accountID: "a", entry: entry("e1", page: 1)))
        queue.add(.save(accountID: "b", entry: entry("e2", page: 1)))
        queue.add(.clear(accountID: "a"))
        queue.add(.save(accountID: "a", entry: entry("e3", page: 2)))
        let batch = queue.batch()
        #expect(batch.first == .clear(accountID: "a"))
        #expect(Set(batch.dropFirst()) == [.save(accountID: "b", entry: entry("e2", page: 1)), .save(accountID: "a", entry: entry("e3", page: 2))])
    }

    @Test func aBatchLeavesTheSameRowsAsEveryChangeInTurn() async throws {
        let logger = Logger(label: "test")
        let inTurn = try await SQLiteStore.open(directory: NSTemporaryDirectory() + "foyer-queue-" + UUID().uuidString, logger: logger)
        let batched = try await SQLiteStore.open(directory: NSTemporaryDirectory() + "foyer-queue-" + UUID().uuidString, logger: logger)
        do {
            try await inTurn.migrate()
            try await batched.migrate()
            try await compare(inTurn, batched)
        } catch {
            Issue.record(error)
        }
        try await inTurn.close()
        try await batched.close()
    }

    private func compare(_ inTurn: SQLiteStore, _ batched: SQLiteStore) async throws {
        var accounts: [(String, String)] = []
        for name in ["a", "b"] {
            let one = try await inTurn.createAccount(name: name, siteKey: "key-\(name)-0001", now: 0)
            let two = try await batched.createAccount(name: name, siteKey: "key-\(name)-0001", now: 0)
            accounts.append((one.id, two.id))
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var queue = EntryChangeQueue()
            for step in 0..<60 {
                let (first, second) = accounts[Int.random(in: 0..<2, using: &generator)]
                let id = "e\(Int.random(in: 0..<5, using: &generator))"
                let roll = Int.random(in: 0..<10, using: &generator)
                let (one, two): (EntryChange, EntryChange) =
                    switch roll {
                    case 0: (.clear(accountID: first), .clear(accountID: second))
                    case 1...3: (.delete(accountID: first, entryID: id), .delete(accountID: second, entryID: id))
                    default: (.save(accountID: first, entry: entry(id, page: step)), .save(accountID: second, entry: entry(id, page: step)))
                    }
                try await inTurn.apply([one])
                queue.add(two)
            }
            try await batched.apply(queue.batch())
            for (first, second) in accounts {
                let expected = try await inTurn.entries(accountID: first).sorted { $0.id < $1.id }
                let actual = try await batched.entries(accountID: second).sorted { $0.id < $1.id }
                #expect(actual == expected)
            }
        }
    }
}
