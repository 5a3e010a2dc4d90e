import FoyerCore
import FoyerGeo
import Logging

/// Locates visitors with FoyerGeo: city database, then trusted edge headers, then the
/// browser's timezone; and finds the client address behind trusted proxies.
struct GeoLocator: VisitorLocator {
    let resolver: LocationResolver
    /// Keeps the `--geo-download` database current; run it as a service when present.
    let downloader: GeoDownloader?
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
        var geo = GeoConfiguration(databasePath: configuration.geoipDatabase, trustedProxies: configuration.trustedProxies, edgeHeaders: edge)
        var download: GeoDownloadConfiguration?
        if let url = configuration.geoDownloadURL {
            guard configuration.geoipDatabase == nil else {
                throw ConfigurationError("--geo-download fetches its own city database; leave out --geoip-db (or use only --geoip-db)")
            }
            download = GeoDownloadConfiguration(urlTemplate: url, destination: Self.downloadPath(dataDirectory: configuration.dataDirectory))
            geo.databasePath = download?.destination
            geo.databaseMayBeMissing = true
        }
        resolver = try LocationResolver(configuration: geo, logger: logger)
        if let download, let watcher = resolver.watcher {
            downloader = GeoDownloader(configuration: download, watcher: watcher, logger: logger)
        } else {
            downloader = nil
        }
        addresses = try ClientAddressResolver(trustedProxies: configuration.trustedProxies)
        headerNames = resolver.headerNames
    }

    /// Where `--geo-download` keeps its database: `geo/city.mmdb` in the data folder.
    static func downloadPath(dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "geo/city.mmdb"
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
