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
    /// Share of an account's places, in percent, that tabs from one client address (an
    /// IPv4 address or an IPv6 /64) may hold; at least 10 places whatever the share.
    public var addressSharePercent: Int = 10
    /// Largest WebSocket frame accepted, in bytes.
    public var maxFrameBytes: Int = 16 * 1024
    /// Most bytes of feed messages queued for one dashboard that is not reading; beyond
    /// it the feed is closed with 4008 and the page resynchronises from a fresh snapshot.
    /// 16 MiB is seconds of a busy account's stream (5,000 changes/s of entries with
    /// short page histories is ~3 MB/s; each message carries up to 50 pages): 4 MiB closed
    /// the benchmark's 20 dashboards within a CPU stall of a loaded machine, and every
    /// close costs the page a fresh snapshot.
    public var maxFeedQueueBytes: Int = 16 << 20
    /// Tracker messages allowed per second per socket, and the burst above that.
    public var trackerMessagesPerSecond: Double = 10
    public var trackerMessageBurst: Double = 30
    /// Concurrent tracker sockets allowed from one client address.
    public var maxSocketsPerAddress: Int = 256
    /// A connection whose first request head has not arrived this long after it was
    /// accepted is closed (nginx: `client_header_timeout`).
    public var requestTimeoutSeconds: Double = 10
    /// Connections one peer address may hold that have not completed their first request
    /// (nginx: `limit_conn`); trusted proxies are exempt.
    public var maxPendingPerAddress: Int = 64
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`;
    /// when not, only direct requests from a loopback address (no forwarding headers).
    public var metricsToken: String?
    /// New tracker sockets per second allowed from one client address, and the burst.
    public var connectsPerSecondPerAddress: Double = 50
    public var connectBurstPerAddress: Double = 200
    /// A tracker socket with no frame for this long is closed (heartbeats every 25 s).
    public var trackerIdleTimeoutSeconds: Int64 = 75
    /// A tab with no input for this long (or hidden that long) reports itself idle; the
    /// tracker learns it from `ok`/`wait`.
    public var idleAfterSeconds: Int64 = 300
    /// How long a disconnected tab keeps its status before turning Offline: long enough
    /// for a page navigation or a server restart to reconnect first.
    public var disconnectGraceSeconds: Int64 = 15
    /// How long an invitation to chat waits for the visitor's answer before it expires.
    public var invitationExpirySeconds: Int64 = 300
    /// Sessions unused for this long expire.
    public var sessionIdleSeconds: Int64 = 12 * 3600
    /// How often an open dashboard feed re-checks its session: one signed out elsewhere,
    /// expired or removed closes the feed with 4401 within this time.
    public var feedSessionCheckSeconds: Double = 30
    /// bcrypt cost for new password hashes.
    public var bcryptCost: UInt8 = 12
    /// Proxies whose `X-Forwarded-For`/`Forwarded` headers are believed (CIDRs).
    public var trustedProxies: [String] = []
    /// A MaxMind-format city database (`.mmdb`); re-read when the file is replaced.
    public var geoipDatabase: String?
    /// Where `--geo-download` fetches a city database from (`{year}`/`{month}` filled in),
    /// kept in the data folder and refreshed monthly; nil when off.
    public var geoDownloadURL: String?
    /// Which CDN's location headers to trust (`cloudflare`, `cloudfront`, `generic`).
    public var edgeHeaders: String?
    /// Whether pages are served over HTTPS (marks cookies Secure).
    public var secureCookies: Bool = false
    /// How cluster nodes keep in touch (used with a PostgreSQL store).
    public var cluster = ClusterConfiguration()

    public init() {}
}
