import Foundation
import FoyerTestSupport
@testable import FoyerStore
import Logging
import PostgresNIO
import Testing

/// One empty database for one test, that stores can be opened on (again and again, to
/// test what survives reopening) and that is removed afterwards.
protocol StoreFixture: Sendable {
    /// Opens and migrates a store on the fixture's database.
    func open() async throws -> any Store
    func remove() async
}

extension StoreFixture {
    /// Runs `body` with a fresh fixture, removed afterwards whether `body` failed or not.
    static func with(_ make: () async throws -> Self, _ body: (Self) async throws -> Void) async throws {
        let fixture = try await make()
        do {
            try await body(fixture)
        } catch {
            await fixture.remove()
            throw error
        }
        await fixture.remove()
    }
}

/// A SQLite file in its own temporary folder.
struct SQLiteFixture: StoreFixture {
    let directory = NSTemporaryDirectory() + "foyer-store-" + UUID().uuidString

    func open() async throws -> any Store {
        let store = try await SQLiteStore.open(directory: directory, logger: Logger(label: "test"))
        try await store.migrate()
        return store
    }

    func remove() async {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A PostgreSQL database of the test's own (see ``ScratchDatabase``).
struct PostgresFixture: StoreFixture {
    static let url = ScratchDatabase.url
    static let skipReason = Comment(rawValue: ScratchDatabase.skipReason)

    let database: ScratchDatabase

    static func make() async throws -> PostgresFixture {
        PostgresFixture(database: try await ScratchDatabase.create())
    }

    func open() async throws -> any Store { try await database.open() }

    func remove() async { await database.drop() }
}
