import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FoyerGunzip
public import Logging
public import ServiceLifecycle

/// Keeps a downloaded city database current (`--geo-download`): fetches it when the file
/// is missing or older than ``GeoDownloadConfiguration/refreshAfter``, checks it opens as
/// a MaxMind city database with a working search tree, renames it over the old file (a
/// single atomic `rename`) and has the watcher swap it in at once, without a restart.
/// On any failure the file in place stays in use, and the download is tried again after
/// ``GeoDownloadConfiguration/retryAfter``.
public final class GeoDownloader: Service, Sendable {
    public let configuration: GeoDownloadConfiguration
    private let watcher: GeoDatabaseWatcher
    private let logger: Logger

    public init(configuration: GeoDownloadConfiguration, watcher: GeoDatabaseWatcher, logger: Logger) {
        self.configuration = configuration
        self.watcher = watcher
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var wait = untilDue()
            if wait == .zero {
                do {
                    try await refresh()
                    wait = untilDue()
                } catch {
                    logger.warning("City database download failed; keeping the current file", metadata: [
                        "error": "\(error)", "retry_in_seconds": "\(configuration.retryAfter.components.seconds)",
                    ])
                    wait = configuration.retryAfter
                }
            }
            // Checked at least daily, so a clock change or a file removed by hand is noticed.
            do {
                // Ends at once on a graceful shutdown instead of holding the server up.
                let pause = min(wait, .seconds(86_400))
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
        }
    }

    /// Time until the file is due for a refresh: zero when it is missing or too old.
    func untilDue(now: Date = Date()) -> Duration {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: configuration.destination),
            let modified = attributes[.modificationDate] as? Date
        else { return .zero }
        let age = now.timeIntervalSince(modified)
        let left = Double(configuration.refreshAfter.components.seconds) - age
        return left <= 0 ? .zero : .seconds(left)
    }

    /// Downloads, checks and swaps in the database once.
    /// - Throws: ``GeoDownloadError`` saying what went wrong; the current file is untouched.
    func refresh(now: Date = Date()) async throws {
        let folder = (configuration.destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw GeoDownloadError("cannot create \(folder): \(error.localizedDescription)")
        }
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now)
        var failures: [String] = []
        for url in configuration.urls(year: parts.year ?? 2026, month: parts.month ?? 1) {
            let compressed = configuration.destination + ".download"
            let candidate = configuration.destination + ".new"
            defer {
                try? FileManager.default.removeItem(atPath: compressed)
                try? FileManager.default.removeItem(atPath: candidate)
            }
            do {
                try await fetch(url, to: compressed)
            } catch let error as GeoDownloadError {
                failures.append(error.description)
                continue
            }
            let code = foyer_gunzip(compressed, candidate, Int64(configuration.maxBytes))
            guard code == 0 else {
                let reason = [-1: "cannot read the download", -2: "not a valid gzip file (corrupt or truncated)", -3: "cannot write \(candidate)", -4: "larger than \(configuration.maxBytes) bytes"][Int(code)] ?? "error \(code)"
                throw GeoDownloadError("\(url): \(reason)")
            }
            let database = try Self.verify(candidate, source: url)
            guard rename(candidate, configuration.destination) == 0 else {
                throw GeoDownloadError("cannot rename \(candidate) to \(configuration.destination): \(String(cString: strerror(errno)))")
            }
            watcher.reloadIfChanged()
            logger.info("City database downloaded", metadata: [
                "url": "\(url)", "path": "\(configuration.destination)", "type": "\(database.metadata.databaseType)",
                "built": "\(Date(timeIntervalSince1970: TimeInterval(database.metadata.buildEpoch)))",
            ])
            return
        }
        throw GeoDownloadError(failures.joined(separator: "; "))
    }

    /// Opens `path` and checks it is a city database whose search tree and data answer.
    static func verify(_ path: String, source: String) throws -> MaxMindDatabase {
        let database: MaxMindDatabase
        do {
            database = try MaxMindDatabase(path: path)
        } catch {
            throw GeoDownloadError("\(source): not a usable MaxMind-format database (\(error.reason))")
        }
        guard database.metadata.databaseType.lowercased().contains("city") else {
            throw GeoDownloadError("\(source): a \(database.metadata.databaseType) database, not a city database")
        }
        // A walk down the tree and a decode of what it finds (absent is fine: private ranges).
        for address in ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"] {
            guard let parsed = IPAddress(address) else { continue }
            do {
                _ = try database.location(for: parsed)
            } catch {
                throw GeoDownloadError("\(source): lookup of \(address) failed (\(error.reason))")
            }
        }
        return database
    }

    /// GET `url` into the file `path`: 200 only, within the size limit and time bounds.
    private func fetch(_ url: String, to path: String) async throws {
        guard let address = URL(string: url), ["http", "https"].contains(address.scheme?.lowercased() ?? "") else {
            throw GeoDownloadError("\(url) is not an http(s) URL")
        }
        let session = URLSession(configuration: Self.sessionConfiguration)
        defer { session.finishTasksAndInvalidate() }
        let limit = configuration.maxBytes
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let task = session.downloadTask(with: address) { temporary, response, error in
                if let error {
                    return continuation.resume(throwing: GeoDownloadError("\(url): \(error.localizedDescription)"))
                }
                if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                    return continuation.resume(throwing: GeoDownloadError("\(url): HTTP \(http.statusCode)"))
                }
                guard let temporary else { return continuation.resume(throwing: GeoDownloadError("\(url): no body")) }
                let size = (try? FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? Int) ?? 0
                guard size > 0, size <= limit else {
                    return continuation.resume(throwing: GeoDownloadError("\(url): \(size) bytes (expected 1 to \(limit))"))
                }
                do {
                    try? FileManager.default.removeItem(atPath: path)
                    try FileManager.default.moveItem(atPath: temporary.path, toPath: path)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: GeoDownloadError("cannot keep the download at \(path): \(error.localizedDescription)"))
                }
            }
            task.resume()
        }
    }

    private static var sessionConfiguration: URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        configuration.timeoutIntervalForResource = 30 * 60
        configuration.httpAdditionalHeaders = ["User-Agent": "Foyer (self-hosted; city database refresh)"]
        return configuration
    }
}
