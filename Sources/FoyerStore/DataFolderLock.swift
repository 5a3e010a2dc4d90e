import Foundation

/// An exclusive lock on a data folder (`foyer.lock`, held with `flock`) that `foyer serve`
/// holds while it runs on the embedded database and `foyer restore` takes before replacing
/// it. The kernel releases it when the process ends in any way, `kill -9` included, so a
/// crashed server never leaves a stale lock behind.
public final class DataFolderLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock on `directory` (created if missing) without waiting.
    /// - Throws: ``StoreError`` naming the process that holds it.
    public static func acquire(directory: String) throws -> DataFolderLock {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unavailable("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent("foyer.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.unavailable("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            let who = holder.flatMap { $0.isEmpty ? nil : " (process \($0))" } ?? ""
            throw StoreError.unavailable("a foyer server is running on \(directory)\(who); stop it first")
        }
        // The holder's process id, for the message above; the lock itself is the flock.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return DataFolderLock(path: path, descriptor: descriptor)
    }

    /// Gives the lock up (also done when the process exits).
    public func release() {
        close(descriptor)
    }
}
