import ArgumentParser
import FoyerStore
import Logging

/// Where the data lives; shared by every command that opens the store: a PostgreSQL
/// database when a URL is given, else the embedded SQLite file in the data folder.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for the SQLite database (env FOYER_DATA_DIR; default ./foyer-data).")
    var dataDir: String?

    @Option(
        name: .long,
        help: "PostgreSQL database to use instead of SQLite: postgres://user:pass@host:5432/db?sslmode=disable (env FOYER_DATABASE_URL).")
    var database: String?

    var directory: String { dataDir ?? Environment.string("FOYER_DATA_DIR") ?? "./foyer-data" }

    var databaseURL: String? { database ?? Environment.string("FOYER_DATABASE_URL") }

    /// The SQLite data folder, for commands that work on the embedded file only; with a
    /// PostgreSQL URL they fail naming PostgreSQL's own `tool` instead.
    func sqliteDirectory(command: String, tool: String) throws -> String {
        guard databaseURL == nil else {
            throw CommandFailure("foyer \(command) works on the embedded SQLite database; for PostgreSQL use \(tool) (docs/INSTALL.md, Backups)")
        }
        return directory
    }

    /// Opens and migrates the store.
    func openStore(logger: Logger) async throws -> any Store {
        let store: any Store
        if let databaseURL {
            store = try await PostgresStore.open(url: databaseURL, logger: logger)
        } else {
            store = try await SQLiteStore.open(directory: directory, logger: logger)
        }
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }
}
