import ArgumentParser
import Foundation
import FoyerStore

/// `foyer restore FILE`: puts a backup back; refuses while a server runs on the folder.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the SQLite database with the backup FILE (stop foyer serve first; the old one is kept beside it).")

    @Argument(help: "A file made by foyer backup.") var file: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        let directory = try data.sqliteDirectory(command: "restore", tool: "pg_restore")
        do {
            let lock = try DataFolderLock.acquire(directory: directory)
            defer { lock.release() }
            let keptAs = try await SQLiteStore.restore(from: file, into: directory)
            print("restored \(file) into \(directory)")
            if let keptAs { print("the previous database is kept as \(keptAs)") }
        } catch let error as StoreError {
            throw CommandFailure(error.description)
        }
    }
}
