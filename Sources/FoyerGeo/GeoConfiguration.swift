/// How Foyer locates visitors; filled from `foyer serve` flags and environment.
public struct GeoConfiguration: Sendable {
    /// A MaxMind-format city database (`--geoip-db`, `FOYER_GEOIP_DB`), or nil for none.
    public var databasePath: String?
    /// Proxies whose `Forwarded`/`X-Forwarded-For` (and edge headers) are believed, as
    /// CIDR blocks (`--trusted-proxy`, `FOYER_TRUSTED_PROXIES`).
    public var trustedProxies: [String]
    /// Which edge proxy's location headers to read (`--trust-edge-headers`), or nil.
    public var edgeHeaders: EdgeHeaderProvider?
    /// True when ``databasePath`` is a file that may not exist yet (one `--geo-download`
    /// fetches): start without it instead of failing.
    public var databaseMayBeMissing: Bool = false
    /// How often to check the database file for a replacement.
    public var reloadInterval: Duration

    public init(
        databasePath: String? = nil,
        trustedProxies: [String] = [],
        edgeHeaders: EdgeHeaderProvider? = nil,
        reloadInterval: Duration = .seconds(5)
    ) {
        self.databasePath = databasePath
        self.trustedProxies = trustedProxies
        self.edgeHeaders = edgeHeaders
        self.reloadInterval = reloadInterval
    }
}
