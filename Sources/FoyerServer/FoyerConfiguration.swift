/// Settings of one Foyer server process. Every value has a sensible default; the CLI
/// fills them from flags and `FOYER_*` environment variables.
public struct FoyerConfiguration: Sendable {
    /// Address to listen on.
    public var host: String = "0.0.0.0"
    /// Port for everything: pages, API, tracker script, tracker sockets, dashboard feeds.
    public var port: Int = 8080
    /// Folder holding the SQLite file.
    public var dataDirectory: String = "./foyer-data"
    /// The address people use to reach this server (for printed links and snippets).
    public var publicURL: String?
    /// Most concurrent entries shown per account; further tabs wait in line.
    public var entryLimit: Int = 500
    /// Largest WebSocket frame accepted, in bytes.
    public var maxFrameBytes: Int = 16 * 1024
    /// Tracker messages allowed per second per socket, and the burst above that.
    public var trackerMessagesPerSecond: Double = 10
    public var trackerMessageBurst: Double = 30
    /// Concurrent tracker sockets allowed from one client address.
    public var maxSocketsPerAddress: Int = 256
    /// New tracker sockets per second allowed from one client address, and the burst.
    public var connectsPerSecondPerAddress: Double = 50
    public var connectBurstPerAddress: Double = 200
    /// A tracker socket with no frame for this long is closed (heartbeats every 25 s).
    public var trackerIdleTimeoutSeconds: Int64 = 75
    /// How long a disconnected tab keeps its status before turning Offline: long enough
    /// for a page navigation or a server restart to reconnect first.
    public var disconnectGraceSeconds: Int64 = 15
    /// Sessions unused for this long expire.
    public var sessionIdleSeconds: Int64 = 12 * 3600
    /// bcrypt cost for new password hashes.
    public var bcryptCost: UInt8 = 12
    /// Proxies whose `X-Forwarded-For`/`Forwarded` headers are believed (CIDRs).
    public var trustedProxies: [String] = []
    /// A MaxMind-format city database (`.mmdb`); re-read when the file is replaced.
    public var geoipDatabase: String?
    /// Which CDN's location headers to trust (`cloudflare`, `cloudfront`, `generic`).
    public var edgeHeaders: String?
    /// Whether pages are served over HTTPS (marks cookies Secure).
    public var secureCookies: Bool = false
    /// How cluster nodes keep in touch (used with a PostgreSQL store).
    public var cluster = ClusterConfiguration()

    public init() {}
}
