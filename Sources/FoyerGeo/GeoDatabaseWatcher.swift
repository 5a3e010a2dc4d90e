public import Logging
public import ServiceLifecycle
import Synchronization

/// Keeps the database current: every `interval` it checks the file's inode, size and
/// modification time, and when the file was replaced opens the new one and swaps it in
/// atomically. Lookups in flight keep using the reader they started with. A replacement
/// that fails to open leaves the previous reader in place and logs a warning.
public final class GeoDatabaseWatcher: Service, Sendable {
    /// The configured path.
    public let path: String
    private let interval: Duration
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        /// Nil while a file that is being downloaded has not arrived yet.
        var database: MaxMindDatabase?
        /// A replacement already reported as broken, so it is not reported every interval.
        var rejected: FileIdentity?
    }

    /// Opens the database at `path`.
    /// - Throws: ``GeoDatabaseError`` naming the file when it cannot be used.
    public init(path: String, interval: Duration = .seconds(5), logger: Logger) throws(GeoDatabaseError) {
        self.path = path
        self.interval = interval
        self.logger = logger
        self.state = Mutex(State(database: try MaxMindDatabase(path: path)))
    }

    /// Watches `path`, which may not exist yet (a database `--geo-download` fetches):
    /// lookups find nothing until a usable file appears there. A file already there that
    /// cannot be opened is reported and replaced by the next good one.
    public init(awaiting path: String, interval: Duration = .seconds(5), logger: Logger) {
        self.path = path
        self.interval = interval
        self.logger = logger
        self.state = Mutex(State(database: nil))
        reloadIfChanged()
    }

    /// The reader in use now, or nil while there is none.
    public var database: MaxMindDatabase? {
        state.withLock { $0.database }
    }

    /// Checks the file once and swaps in a replacement. Returns true when it reloaded.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        guard let identity = FileIdentity.current(path: path) else {
            // Missing for a moment while being replaced: keep serving, check again later.
            return false
        }
        let (current, rejected) = state.withLock { ($0.database?.fileIdentity, $0.rejected) }
        guard identity != current, identity != rejected else { return false }
        do {
            let replacement = try MaxMindDatabase(path: path)
            state.withLock {
                $0.database = replacement
                $0.rejected = nil
            }
            logger.info("GeoIP database reloaded", metadata: [
                "path": "\(path)", "type": "\(replacement.metadata.databaseType)",
                "build_epoch": "\(replacement.metadata.buildEpoch)",
            ])
            return true
        } catch {
            state.withLock { $0.rejected = identity }
            logger.warning("GeoIP database replacement rejected, keeping the previous one", metadata: [
                "error": "\(error)",
            ])
            return false
        }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                // Ends at once on a graceful shutdown instead of holding the server up.
                let interval = interval
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            reloadIfChanged()
        }
    }
}
