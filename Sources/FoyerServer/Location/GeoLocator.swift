import FoyerCore
import FoyerGeo
import Logging

/// Locates visitors with FoyerGeo: city database, then trusted edge headers, then the
/// browser's timezone; and finds the client address behind trusted proxies.
struct GeoLocator: VisitorLocator {
    let resolver: LocationResolver
    private let addresses: ClientAddressResolver
    private let headerNames: Set<String>

    /// - Throws: a clear error naming a database file that cannot be used, an unknown
    ///   edge-header provider or a trusted proxy that is not a CIDR block.
    init(configuration: FoyerConfiguration, logger: Logger) throws {
        var edge: EdgeHeaderProvider?
        if let name = configuration.edgeHeaders {
            guard let provider = EdgeHeaderProvider(rawValue: name.lowercased()) else {
                throw ConfigurationError("unknown edge header provider \(name); use cloudflare, cloudfront or generic")
            }
            edge = provider
        }
        let geo = GeoConfiguration(databasePath: configuration.geoipDatabase, trustedProxies: configuration.trustedProxies, edgeHeaders: edge)
        resolver = try LocationResolver(configuration: geo, logger: logger)
        addresses = try ClientAddressResolver(trustedProxies: configuration.trustedProxies)
        headerNames = resolver.headerNames
    }

    func clientAddress(peer: String?, headers: [(name: String, value: String)]) -> String? {
        addresses.clientAddress(peer: peer, headers: headers)?.description ?? peer
    }

    func locate(peer: String?, headers: [(name: String, value: String)], timezone: String?) -> VisitorLocation? {
        resolver.resolve(peer: peer, headers: headers, timezone: timezone)
    }

    func locationHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.filter { headerNames.contains($0.name) }
    }
}
