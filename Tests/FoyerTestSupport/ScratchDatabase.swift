public import FoyerStore
import Foundation
import Logging
import PostgresNIO

/// A database `foyer_test_<random>` of its own on the server `FOYER_TEST_DATABASE_URL`
/// names, created for one test and dropped afterwards.
public struct ScratchDatabase: Sendable {
    /// The server for the PostgreSQL tests; nil skips them.
    public static let url: String? = ProcessInfo.processInfo.environment["FOYER_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let skipReason = "FOYER_TEST_DATABASE_URL is not set (e.g. postgres://user:pass@127.0.0.1:5432/postgres?sslmode=disable); PostgreSQL tests skipped"

    /// The database the URL names, used to create and drop the test's own.
    public let server: PostgresConfiguration
    public let configuration: PostgresConfiguration

    public static func create() async throws -> ScratchDatabase {
        guard let url else { throw StoreError.unavailable(skipReason) }
        let server = try PostgresConfiguration(url: url)
        let name = "foyer_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin(server) { connection in
            try await connection.query("CREATE DATABASE \(unescaped: name)", logger: Logger(label: "test"))
        }
        return ScratchDatabase(server: server, configuration: server.with(database: name))
    }

    /// Opens a migrated store on the database.
    public func open() async throws -> PostgresStore {
        var logger = Logger(label: "test")
        // The pool logs connections it drops on close at info level; only problems matter here.
        logger.logLevel = .warning
        let store = try await PostgresStore.open(configuration, logger: logger)
        try await store.migrate()
        return store
    }

    public func drop() async {
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
