import Foundation
import Logging
import NIOPosix
import SQLiteNIO

/// Backups of the embedded database, consistent while the server writes.
extension SQLiteStore {
    /// Writes a consistent copy of the whole database to `destination` with
    /// `VACUUM INTO`: one read transaction, so the copy is the database as of one
    /// instant even while `foyer serve` keeps writing (WAL readers do not block writers).
    /// The copy is written under a temporary name and renamed when complete, so a file
    /// at `destination` is always a whole backup. Returns its size in bytes.
    /// - Throws: ``StoreError`` when `destination` exists or cannot be written.
    public func backup(to destination: String) async throws -> Int {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.invalid("\(destination) already exists; choose a new file name")
        }
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            _ = try await reader.query("VACUUM INTO ?", [.text(partial)])
            try await Self.check(path: partial)
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if let error = error as? StoreError { throw error }
            throw StoreError.unavailable("cannot write the backup \(destination): \(error)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
        return size
    }

    /// Puts the backup `source` in place of the database in `directory`. The server must
    /// be stopped (the caller holds the ``DataFolderLock``). The database being replaced
    /// is kept beside it as `foyer.sqlite.before-restore-<time>`, and its WAL and shared
    /// memory files are moved with it so they can never be replayed onto the restored one.
    /// Returns the path the previous database was moved to, if there was one.
    /// - Throws: ``StoreError`` when `source` is not a Foyer backup this release can open.
    @discardableResult
    public static func restore(from source: String, into directory: String) async throws -> String? {
        try await check(path: source)
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unavailable("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        let database = (directory as NSString).appendingPathComponent("foyer.sqlite")
        let incoming = database + ".restoring"
        try? fileManager.removeItem(atPath: incoming)
        do {
            try fileManager.copyItem(atPath: source, toPath: incoming)
        } catch {
            throw StoreError.unavailable("cannot copy \(source) into \(directory): \(error.localizedDescription)")
        }
        var keptAs: String?
        if fileManager.fileExists(atPath: database) {
            let stamp = Int(Date().timeIntervalSince1970)
            let aside = database + ".before-restore-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where fileManager.fileExists(atPath: database + suffix) {
                try move(database + suffix, to: aside + suffix)
            }
            keptAs = aside
        }
        try move(incoming, to: database)
        return keptAs
    }

    private static func move(_ from: String, to destination: String) throws {
        // rename(2): atomic within the folder, and it never leaves a half-written file.
        guard rename(from, destination) == 0 else {
            throw StoreError.unavailable("cannot rename \(from) to \(destination): \(String(cString: strerror(errno)))")
        }
    }

    /// Checks that `path` is a whole SQLite database holding a Foyer schema no newer than
    /// this release's.
    static func check(path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notFound("backup \(path)") }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: .singleton, logger: Logger(label: "foyer.backup"),
                on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            throw StoreError.invalid("\(path) is not a SQLite database: \(error)")
        }
        do {
            let verdict = try await connection.query("PRAGMA quick_check").first?.column("quick_check")?.string
            guard verdict == "ok" else { throw StoreError.invalid("\(path) is damaged or not a SQLite database (quick_check: \(verdict ?? "no answer"))") }
            let rows = try await connection.query("SELECT MAX(version) AS version FROM schema_migrations")
            guard let version = rows.first?.column("version")?.integer else {
                throw StoreError.invalid("\(path) is not a Foyer database (no schema_migrations)")
            }
            let newest = SQLiteMigrations.all.map(\.version).max() ?? 0
            guard version <= newest else {
                throw StoreError.invalid("\(path) was made by a newer Foyer (schema \(version); this release knows up to \(newest))")
            }
        } catch {
            try? await connection.close()
            if let error = error as? StoreError { throw error }
            throw StoreError.invalid("\(path) is not a Foyer database: \(error)")
        }
        try await connection.close()
    }
}
