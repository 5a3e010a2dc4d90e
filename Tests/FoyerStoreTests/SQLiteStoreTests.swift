import Foundation
import FoyerCore
import FoyerStore
import Logging
import Testing

/// The store contract, on a real SQLite file per test.
@Suite("SQLite store")
struct SQLiteStoreTests {
    func openStore(_ directory: String = NSTemporaryDirectory() + "foyer-store-" + UUID().uuidString) async throws -> SQLiteStore {
        let store = try await SQLiteStore.open(directory: directory, logger: Logger(label: "test"))
        try await store.migrate()
        return store
    }

    func entry(_ number: Int, tab: String) -> Entry {
        Entry(
            id: "e_\(number)", tab: tab, number: number, status: .online, connectedAt: 1, pageSince: 2, url: "https://shop.example/",
            title: "Home", referrer: "", language: "en", timezone: "Europe/Istanbul", returning: false,
            location: VisitorLocation(countryCode: "TR", country: "Türkiye", city: "Istanbul", latitude: 41, longitude: 29, source: .timezone),
            pages: [PageView(url: "https://shop.example/", title: "Home", at: 2)])
    }

    @Test func accountsAreUniqueByNameAndSiteKey() async throws {
        let store = try await openStore()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        await #expect(throws: StoreError.duplicate("")) { _ = try await store.createAccount(name: "shop", siteKey: "fk_2", now: 1) }
        #expect(try await store.account(siteKey: "fk_1")?.id == shop.id)
        #expect(try await store.account(name: "shop")?.siteKey == "fk_1")
        var changed = shop
        changed.trackingEnabled = false
        changed.allowedOrigins = ["https://shop.example", "https://www.shop.example"]
        try await store.updateAccount(changed)
        #expect(try await store.account(id: shop.id) == changed)
        try await store.close()
    }

    @Test func usersAndSessions() async throws {
        let store = try await openStore()
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        let user = try await store.createUser(accountID: shop.id, email: "Owner@Shop.example", passwordHash: "$2b$", role: .owner, now: 1)
        #expect(user.email == "owner@shop.example")
        await #expect(throws: StoreError.duplicate("")) {
            _ = try await store.createUser(accountID: shop.id, email: "owner@shop.example", passwordHash: "x", role: .agent, now: 1)
        }
        #expect(try await store.user(email: "OWNER@shop.example")?.id == user.id)
        try await store.createSession(Session(tokenHash: "h1", userID: user.id, createdAt: 10, lastSeenAt: 10))
        try await store.touchSession(tokenHash: "h1", at: 50)
        #expect(try await store.session(tokenHash: "h1")?.lastSeenAt == 50)
        try await store.deleteSessions(idleSince: 60)
        #expect(try await store.session(tokenHash: "h1") == nil)
        try await store.close()
    }

    @Test func entryChangesApplyInOrderAndSurviveReopening() async throws {
        let directory = NSTemporaryDirectory() + "foyer-store-" + UUID().uuidString
        let store = try await openStore(directory)
        let shop = try await store.createAccount(name: "shop", siteKey: "fk_1", now: 1)
        var second = entry(2, tab: "tab-b")
        try await store.apply([
            .save(accountID: shop.id, entry: entry(1, tab: "tab-a")),
            .save(accountID: shop.id, entry: second),
            .browserSeen(accountID: shop.id, browserHash: "hash", at: 100),
            .browserSeen(accountID: shop.id, browserHash: "hash", at: 200),
        ])
        second.status = .offline
        second.leftAt = 9
        try await store.apply([.save(accountID: shop.id, entry: second), .delete(accountID: shop.id, entryID: "e_1")])
        try await store.close()

        let reopened = try await openStore(directory)
        let entries = try await reopened.entries(accountID: shop.id)
        #expect(entries == [second])
        #expect(try await reopened.browserFirstSeen(accountID: shop.id, browserHash: "hash") == 100, "first sighting is kept")
        #expect(try await reopened.browserFirstSeen(accountID: "other", browserHash: "hash") == nil)
        try await reopened.apply([.clear(accountID: shop.id)])
        #expect(try await reopened.entries(accountID: shop.id).isEmpty)
        try await reopened.close()
    }

    @Test func migrationsRunOnceAndSecretsAreStable() async throws {
        let directory = NSTemporaryDirectory() + "foyer-store-" + UUID().uuidString
        let store = try await openStore(directory)
        try await store.migrate()
        let salt = try await store.secret(named: "salt") { "first" }
        #expect(try await store.secret(named: "salt") { "second" } == salt)
        try await store.close()
    }

    @Test func unusableDirectoryIsAClearError() async throws {
        await #expect(throws: StoreError.unavailable("")) {
            _ = try await SQLiteStore.open(directory: "/proc/foyer-cannot-write-here", logger: Logger(label: "test"))
        }
    }
}
