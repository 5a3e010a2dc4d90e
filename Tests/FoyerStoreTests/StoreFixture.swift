import Foundation
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

/// A database `foyer_test_<random>` created on the server `FOYER_TEST_DATABASE_URL`
/// names, and dropped afterwards.
struct PostgresFixture: StoreFixture {
    /// The server for the PostgreSQL tests; nil skips them.
    static let url: String? = ProcessInfo.processInfo.environment["FOYER_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipReason: Comment = "FOYER_TEST_DATABASE_URL is not set (e.g. postgres://user:pass@127.0.0.1:5432/postgres?sslmode=disable); PostgreSQL store tests skipped"

    /// The database the URL names, used to create and drop the test's own.
    let server: PostgresConfiguration
    let configuration: PostgresConfiguration

    static func make() async throws -> PostgresFixture {
        let server = try PostgresConfiguration(url: try #require(url))
        let name = "foyer_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin(server) { connection in
            try await connection.query("CREATE DATABASE \(unescaped: name)", logger: Logger(label: "test"))
        }
        return PostgresFixture(server: server, configuration: server.with(database: name))
    }

    func open() async throws -> any Store {
        var logger = Logger(label: "test")
        // The pool logs connections it drops on close at info level; only problems matter here.
        logger.logLevel = .warning
        let store = try await PostgresStore.open(configuration, logger: logger)
        try await store.migrate()
        return store
    }

    func remove() async {
        let name = configuration.database
        try? await Self.admin(server) { connection in
            // FORCE: a failed test may have left a store open.
            try await connection.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: Logger(label: "test"))
        }
    }

    /// Runs `body` on one connection to `server`.
    private static func admin(_ server: PostgresConfiguration, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try server.connection, id: 1, logger: Logger(label: "test"))
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
