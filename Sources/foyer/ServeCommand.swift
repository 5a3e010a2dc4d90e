import ArgumentParser
import Foundation
import FoyerCore
import FoyerGeo
import FoyerServer
import FoyerStore
import Hummingbird
import Logging

/// `foyer serve`: runs the server until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Foyer server.")

    @Option(help: "Address to listen on (env FOYER_HOST; default 0.0.0.0).") var host: String?
    @Option(help: "Port for pages, API and sockets (env FOYER_PORT; default 8080).") var port: Int?
    @OptionGroup var data: DataOptions
    @Option(help: "Public address of this server, for printed links (env FOYER_PUBLIC_URL).") var publicURL: String?
    @Option(help: "Most entries shown per account; more tabs wait in line (env FOYER_ENTRY_LIMIT; default 500).") var entryLimit: Int?
    @Option(help: "Percent of an account's places tabs from one address may hold, at least 10 places (env FOYER_ADDRESS_SHARE; default 10).") var addressShare: Int?
    @Option(help: "Concurrent tracker sockets per client address (env FOYER_MAX_SOCKETS_PER_ADDRESS; default 256).")
    var maxSocketsPerAddress: Int?
    @Option(help: "New tracker sockets per second per client address (env FOYER_CONNECTS_PER_SECOND; default 50).")
    var connectsPerSecond: Int?
    @Option(help: "Seconds a new connection has to send its first request head before it is closed (env FOYER_REQUEST_TIMEOUT; default 10).")
    var requestTimeout: Double?
    @Option(help: "Connections one address may hold that have not sent their first request yet; trusted proxies are exempt (env FOYER_MAX_PENDING_PER_ADDRESS; default 64).")
    var maxPendingPerAddress: Int?
    @Option(help: "Show /metrics only to requests with 'Authorization: Bearer TOKEN'; without it, only to direct loopback requests (env FOYER_METRICS_TOKEN).")
    var metricsToken: String?
    @Option(name: .customLong("trusted-proxy"), help: "CIDR of a proxy whose forwarding headers are trusted; repeatable (env FOYER_TRUSTED_PROXIES, comma-separated).")
    var trustedProxies: [String] = []
    @Option(help: "Seconds a disconnected tab keeps its status before it shows Offline (env FOYER_DISCONNECT_GRACE; default 15).")
    var disconnectGrace: Int?
    @Option(help: "Seconds without input (or hidden) after which a tab reports itself idle (env FOYER_IDLE_AFTER; default 300).")
    var idleAfter: Int?
    @Option(help: "Seconds an invitation to chat waits for the visitor's answer before it expires (env FOYER_INVITATION_EXPIRY; default 300).")
    var invitationExpiry: Int?
    @Option(help: "Most bytes queued for a dashboard that is not reading before its feed is closed with 4008 (env FOYER_FEED_QUEUE_BYTES; default 16777216).")
    var feedQueueBytes: Int?
    @Option(help: "MaxMind-format city database (.mmdb), re-read when replaced (env FOYER_GEOIP_DB).") var geoipDb: String?
    @Flag(help: "Download the free DB-IP City Lite database (CC BY 4.0) into the data folder and refresh it monthly, for city-accurate locations (env FOYER_GEO_DOWNLOAD).")
    var geoDownload = false
    @Option(help: "Where --geo-download fetches from, for a mirror; {year} and {month} are filled in (env FOYER_GEO_DOWNLOAD_URL; default DB-IP's).")
    var geoDownloadUrl: String?
    @Option(help: "Trust a CDN's location headers: cloudflare, cloudfront or generic (env FOYER_TRUST_EDGE_HEADERS).")
    var trustEdgeHeaders: String?
    @Flag(help: "Mark cookies Secure: set when users reach Foyer over HTTPS (env FOYER_SECURE_COOKIES).") var secureCookies = false
    @Option(help: "bcrypt cost for passwords (env FOYER_BCRYPT_COST; default 12).") var bcryptCost: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error (env FOYER_LOG_LEVEL; default info).") var logLevel: String?
    @Option(help: "Log format on standard error: text, or json for one JSON object per line (env FOYER_LOG_FORMAT; default text).")
    var logFormat: String?

    func run() async throws {
        try LogFormat.bootstrap(logFormat ?? Environment.string("FOYER_LOG_FORMAT"))
        var logger = Logger(label: "foyer")
        logger.logLevel = Logger.Level(rawValue: logLevel ?? Environment.string("FOYER_LOG_LEVEL") ?? "info") ?? .info

        // Each socket takes a descriptor: use all the process may have, and say how many.
        if let (before, after) = DescriptorLimit.raiseSoftToHard() {
            logger.info("open descriptor limit: \(after) (was soft \(before.soft) at start)", metadata: [
                "soft_at_start": "\(before.soft)", "soft": "\(after.soft)", "hard": "\(after.hard)",
            ])
        } else {
            logger.warning("could not read the open descriptor limit")
        }

        var configuration = FoyerConfiguration()
        configuration.host = host ?? Environment.string("FOYER_HOST") ?? configuration.host
        configuration.port = try port ?? Environment.int("FOYER_PORT") ?? configuration.port
        guard (0...65535).contains(configuration.port) else { throw CommandFailure("port must be between 0 and 65535") }
        configuration.dataDirectory = data.directory
        configuration.entryLimit = try entryLimit ?? Environment.int("FOYER_ENTRY_LIMIT") ?? configuration.entryLimit
        guard configuration.entryLimit > 0 else { throw CommandFailure("entry limit must be at least 1") }
        configuration.addressSharePercent = try addressShare ?? Environment.int("FOYER_ADDRESS_SHARE") ?? configuration.addressSharePercent
        guard (1...100).contains(configuration.addressSharePercent) else { throw CommandFailure("address share must be a percentage from 1 to 100") }
        configuration.maxSocketsPerAddress = try maxSocketsPerAddress ?? Environment.int("FOYER_MAX_SOCKETS_PER_ADDRESS") ?? configuration.maxSocketsPerAddress
        if let timeout = try requestTimeout ?? Environment.string("FOYER_REQUEST_TIMEOUT").map(Self.seconds) {
            guard timeout >= 0.1, timeout <= 3600 else { throw CommandFailure("request timeout must be between 0.1 and 3600 seconds") }
            configuration.requestTimeoutSeconds = timeout
        }
        configuration.maxPendingPerAddress = try maxPendingPerAddress ?? Environment.int("FOYER_MAX_PENDING_PER_ADDRESS") ?? configuration.maxPendingPerAddress
        guard configuration.maxPendingPerAddress >= 1 else { throw CommandFailure("max pending per address must be at least 1") }
        configuration.metricsToken = metricsToken ?? Environment.string("FOYER_METRICS_TOKEN")
        if let rate = try connectsPerSecond ?? Environment.int("FOYER_CONNECTS_PER_SECOND") {
            configuration.connectsPerSecondPerAddress = Double(rate)
            configuration.connectBurstPerAddress = Double(rate) * 4
        }
        configuration.disconnectGraceSeconds = Int64(try disconnectGrace ?? Environment.int("FOYER_DISCONNECT_GRACE") ?? 15)
        guard configuration.disconnectGraceSeconds >= 1 else { throw CommandFailure("disconnect grace must be at least 1 second") }
        configuration.idleAfterSeconds = Int64(try idleAfter ?? Environment.int("FOYER_IDLE_AFTER") ?? 300)
        guard (1...86_400).contains(configuration.idleAfterSeconds) else { throw CommandFailure("idle after must be between 1 and 86400 seconds") }
        configuration.invitationExpirySeconds = Int64(try invitationExpiry ?? Environment.int("FOYER_INVITATION_EXPIRY") ?? 300)
        guard (1...86_400).contains(configuration.invitationExpirySeconds) else {
            throw CommandFailure("invitation expiry must be between 1 and 86400 seconds")
        }
        configuration.maxFeedQueueBytes = try feedQueueBytes ?? Environment.int("FOYER_FEED_QUEUE_BYTES") ?? configuration.maxFeedQueueBytes
        guard configuration.maxFeedQueueBytes >= 65536 else { throw CommandFailure("feed queue bytes must be at least 65536") }
        configuration.trustedProxies = trustedProxies.isEmpty ? Environment.list("FOYER_TRUSTED_PROXIES") : trustedProxies
        configuration.geoipDatabase = geoipDb ?? Environment.string("FOYER_GEOIP_DB")
        if geoDownload || (Environment.bool("FOYER_GEO_DOWNLOAD") ?? false) {
            configuration.geoDownloadURL = geoDownloadUrl ?? Environment.string("FOYER_GEO_DOWNLOAD_URL") ?? GeoDownloadConfiguration.dbipCityLite
        }
        configuration.edgeHeaders = trustEdgeHeaders ?? Environment.string("FOYER_TRUST_EDGE_HEADERS")
        configuration.secureCookies = secureCookies || (Environment.bool("FOYER_SECURE_COOKIES") ?? false)
        let cost = try bcryptCost ?? Environment.int("FOYER_BCRYPT_COST") ?? Int(configuration.bcryptCost)
        guard (4...31).contains(cost) else { throw CommandFailure("bcrypt cost must be between 4 and 31") }
        configuration.bcryptCost = UInt8(cost)

        // One server per embedded database; `foyer restore` waits for this lock too.
        let lock: DataFolderLock?
        do {
            lock = data.databaseURL == nil ? try DataFolderLock.acquire(directory: data.directory) : nil
        } catch let error as StoreError {
            throw CommandFailure(error.description)
        }
        defer { lock?.release() }
        let store = try await data.openStore(logger: logger)
        // The store is closed on every way out, including a start-up error.
        do {
            let (accounts, created) = try await FoyerApplication.ensureDefaultAccount(store: store)
            let baseURL = publicURL ?? Environment.string("FOYER_PUBLIC_URL")
            var withoutUsers: Set<String> = []
            for account in accounts where try await store.users(accountID: account.id).isEmpty { withoutUsers.insert(account.name) }
            let accountsWithoutUsers = withoutUsers

            let locationsLine = Self.locationsLine(configuration)
            let app = try await FoyerApplication.build(configuration: configuration, store: store, logger: logger) { boundPort in
                let url = baseURL ?? "http://localhost:\(boundPort)"
                var lines = ["Foyer is running. Dashboard: \(url)/visitors"]
                if created { lines.append("Created the account \"default\".") }
                lines.append(locationsLine)
                for account in accounts {
                    lines.append("Embed on every page of \(account.name)'s site:")
                    lines.append("  " + SiteKey.snippet(baseURL: url, siteKey: account.siteKey))
                    if accountsWithoutUsers.contains(account.name),
                        let link = try? await FoyerApplication.setupLink(store: store, account: account, baseURL: url)
                    {
                        lines.append("  No one can sign in to \(account.name) yet. Create its first owner (link works once, for 24 hours):")
                        lines.append("  \(link)")
                        lines.append("  or: FOYER_PASSWORD='…' foyer user add --email you@example.com --role owner --account \(account.name)")
                    }
                }
                // Written unbuffered, so it shows at once even when stdout is a pipe.
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            try await app.runService()
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    private static func seconds(_ text: String) throws -> Double {
        guard let value = Double(text) else { throw CommandFailure("FOYER_REQUEST_TIMEOUT must be a number of seconds, not \(text)") }
        return value
    }

    /// One line on how visitors are placed and how to make it precise, for newcomers.
    static func locationsLine(_ configuration: FoyerConfiguration) -> String {
        if configuration.geoDownloadURL != nil {
            return "Locations: DB-IP City Lite, downloaded into \(configuration.dataDirectory)/geo/city.mmdb and refreshed monthly."
        }
        if let file = configuration.geoipDatabase {
            return "Locations: the city database \(file)."
        }
        return "Locations: guessed from each visitor's timezone (one city per zone); for real cities restart with --geo-download (free DB-IP City Lite) or --geoip-db FILE (docs/LOCATIONS.md)."
    }
}
