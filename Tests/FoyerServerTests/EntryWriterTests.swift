import Foundation
import FoyerCore
import FoyerStore
import Logging
import Testing

@testable import FoyerServer

/// A full disk must not lose entry changes: the writer keeps them until storage
/// returns, then says so (issue 19, item 7).
@Suite("Entry writer")
struct EntryWriterTests {
    private func entry(_ id: String, page: Int) -> Entry {
        Entry(
            id: id, tab: "tab-" + id, number: Int(id.dropFirst())!, status: .online, connectedAt: 0, pageSince: Int64(page),
            url: "https://shop.example/p/\(page)", title: "Page \(page)", referrer: "", language: "en", timezone: "UTC",
            returning: false, location: nil, pages: [PageView(url: "https://shop.example/p/\(page)", title: "Page \(page)", at: Int64(page))])
    }

    /// Waits, polling, for a condition the writer reaches on its own; fails after 10 s.
    private func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for: \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private let logger = Logger(label: "test")

    /// A real SQLite store in a fresh directory.
    private func sqliteStore() async throws -> (store: SQLiteStore, directory: String) {
        let directory = NSTemporaryDirectory() + "foyer-writer-" + UUID().uuidString
        let store = try await SQLiteStore.open(directory: directory, logger: logger)
        try await store.migrate()
        return (store, directory)
    }

    @Test func changesWaitOutAFullDiskAndSurviveARestart() async throws {
        let (sqlite, directory) = try await sqliteStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let account = try await sqlite.createAccount(name: "shop", siteKey: "key-shop-0001", now: 0)
        let store = FlakyStore(sqlite)
        let writer = EntryWriter(
            store: store, logger: logger, batchWindow: .milliseconds(1), retryDelay: .milliseconds(2), maxRetryDelay: .milliseconds(10))
        let (recoveries, recovered) = AsyncStream.makeStream(of: Void.self)
        writer.onRecovered { recovered.yield() }
        let running = Task { try await writer.run() }
        defer { running.cancel() }

        writer.enqueue([.save(accountID: account.id, entry: entry("e1", page: 1))])
        try await eventually("the first entry stored") { try await sqlite.entries(accountID: account.id).map(\.id) == ["e1"] }

        // The disk fills: a tab that got `ok`, and navigations of both tabs.
        store.setFailing(true)
        writer.enqueue([.save(accountID: account.id, entry: entry("e2", page: 1))])
        writer.enqueue([.save(accountID: account.id, entry: entry("e1", page: 2))])
        // More failed attempts than the old writer made before it dropped the batch (5).
        try await eventually("12 failed writes") { store.failedWrites >= 12 }
        writer.enqueue([.save(accountID: account.id, entry: entry("e2", page: 3))])
        try await eventually("the newest change merged into the retried batch") { writer.queuedChanges == 0 }
        #expect(writer.isFailing)

        store.setFailing(false)
        var iterator = recoveries.makeAsyncIterator()
        _ = await iterator.next()
        #expect(!writer.isFailing)

        // A restart reads what the disk holds: every change, each entry at its latest.
        running.cancel()
        _ = try? await running.value
        try await sqlite.close()
        let reopened = try await SQLiteStore.open(directory: directory, logger: logger)
        let stored = try await reopened.entries(accountID: account.id).sorted { $0.id < $1.id }
        try await reopened.close()
        #expect(stored == [entry("e1", page: 2), entry("e2", page: 3)])
    }

    @Test func stoppingWithTheDiskStillFullEndsInBoundedTime() async throws {
        let (sqlite, directory) = try await sqliteStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = FlakyStore(sqlite)
        store.setFailing(true)
        let writer = EntryWriter(
            store: store, logger: logger, batchWindow: .milliseconds(1), retryDelay: .milliseconds(2), maxRetryDelay: .milliseconds(10),
            shutdownPatience: .milliseconds(100))
        let running = Task { try await writer.run() }
        writer.enqueue([.save(accountID: "a", entry: entry("e1", page: 1))])
        try await eventually("a failed write") { store.failedWrites >= 1 }
        let started = ContinuousClock.now
        running.cancel()
        _ = try? await running.value
        #expect(ContinuousClock.now - started < .seconds(5), "the writer gives up after its patience once stopping")
        try await sqlite.close()
    }
}
