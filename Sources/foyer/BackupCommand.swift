import ArgumentParser
import Foundation
import FoyerStore
import Logging

/// `foyer backup FILE`: a consistent copy of the embedded database, safe while serving.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to FILE, consistently, while the server runs (PostgreSQL: use pg_dump).")

    @Argument(help: "The backup file to create (must not exist).") var file: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        let database = (try data.sqliteDirectory(command: "backup", tool: "pg_dump") as NSString).appendingPathComponent("foyer.sqlite")
        guard FileManager.default.fileExists(atPath: database) else { throw CommandFailure("no database at \(database)") }
        do {
            // Opened without migrating: a backup records the database as it is.
            let store = try await SQLiteStore.open(path: database, logger: Logger(label: "foyer"))
            do {
                let bytes = try await store.backup(to: file)
                try await store.close()
                print("backed up \(database) to \(file) (\(bytes) bytes)")
            } catch {
                try? await store.close()
                throw error
            }
        } catch let error as StoreError {
            throw CommandFailure(error.description)
        }
    }
}
