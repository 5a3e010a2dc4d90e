import ArgumentParser
import FoyerStore
import Logging

/// Where the embedded database lives; shared by every command that opens it.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for the SQLite database (env FOYER_DATA_DIR; default ./foyer-data).")
    var dataDir: String?

    var directory: String { dataDir ?? Environment.string("FOYER_DATA_DIR") ?? "./foyer-data" }

    /// Opens and migrates the store.
    func openStore(logger: Logger) async throws -> SQLiteStore {
        let store = try await SQLiteStore.open(directory: directory, logger: logger)
        try await store.migrate()
        return store
    }
}
