public import FoyerCore
public import Logging

/// Places a visitor, trying in order: the configured city database (for the client
/// address), a trusted edge proxy's headers, and the browser's timezone.
///
/// The address is used for the lookup only: it is never stored or returned.
public final class LocationResolver: Sendable {
    /// Reloads the database when its file is replaced; run it as a service when present.
    public let watcher: GeoDatabaseWatcher?
    private let addresses: ClientAddressResolver
    private let edge: EdgeHeaderLocator?
    private let table: TimezoneTable
    private let logger: Logger

    /// - Throws: ``GeoDatabaseError`` naming a database file that cannot be used, or
    ///   ``GeoConfigurationError`` for a trusted proxy that is not a CIDR block.
    public init(configuration: GeoConfiguration, logger: Logger) throws {
        self.logger = logger
        self.addresses = try ClientAddressResolver(trustedProxies: configuration.trustedProxies)
        self.edge = configuration.edgeHeaders.map { EdgeHeaderLocator(provider: $0) }
        self.table = .shared
        if let path = configuration.databasePath, configuration.databaseMayBeMissing {
            self.watcher = GeoDatabaseWatcher(awaiting: path, interval: configuration.reloadInterval, logger: logger)
        } else if let path = configuration.databasePath {
            self.watcher = try GeoDatabaseWatcher(path: path, interval: configuration.reloadInterval, logger: logger)
        } else {
            self.watcher = nil
        }
    }

    /// The only request headers ``resolve(peer:headers:timezone:)`` can read (lower case):
    /// the forwarding headers and, when configured, the edge proxy's location headers.
    /// A tracker socket keeps just these for its hellos, not the whole request.
    public var headerNames: Set<String> {
        var names: Set<String> = ["forwarded", "x-forwarded-for"]
        if let provided = edge?.provider.headerNames {
            names.formUnion([provided.country, provided.city, provided.latitude, provided.longitude])
            if let countryName = provided.countryName { names.insert(countryName) }
        }
        return names
    }

    /// A resolver that logs under `foyer.geo`.
    public convenience init(configuration: GeoConfiguration) throws {
        try self.init(configuration: configuration, logger: Logger(label: "foyer.geo"))
    }

    /// The visitor's location, or nil when no source knows it.
    /// - Parameters:
    ///   - peer: the socket's remote IP address as text, if known.
    ///   - headers: request headers with lower-case names.
    ///   - timezone: the browser's IANA timezone (`Europe/Istanbul`), if sent.
    public func resolve(peer: String?, headers: [(name: String, value: String)], timezone: String?) -> VisitorLocation? {
        if let database = watcher?.database, let client = addresses.clientAddress(peer: peer, headers: headers), client.isGlobal,
           let found = databaseLocation(database, client) {
            return found
        }
        if let edge, edgeHeadersTrusted(peer: peer), let found = edge.location(headers: headers) {
            return found
        }
        if let timezone, let place = table.place(forZone: timezone) {
            return VisitorLocation(
                countryCode: place.countryCode,
                country: table.countryName(forCode: place.countryCode),
                city: place.city,
                latitude: place.latitude,
                longitude: place.longitude,
                source: .timezone
            )
        }
        return nil
    }

    private func databaseLocation(_ database: MaxMindDatabase, _ address: IPAddress) -> VisitorLocation? {
        let found: MaxMindLocation?
        do {
            found = try database.location(for: address)
        } catch {
            logger.debug("GeoIP lookup failed", metadata: ["error": "\(error.reason)"])
            return nil
        }
        guard let found else { return nil }
        let code = found.countryCode.flatMap { $0.utf8.count == 2 ? $0.uppercased() : nil }
        let country = found.countryName ?? code.flatMap(table.countryName(forCode:))
        guard code != nil || country != nil else { return nil }
        var latitude = found.latitude
        var longitude = found.longitude
        if latitude == nil || longitude == nil || abs(latitude!) > 90 || abs(longitude!) > 180 {
            latitude = nil
            longitude = nil
        }
        return VisitorLocation(
            countryCode: code, country: country, city: found.city.flatMap { $0.isEmpty ? nil : $0 },
            latitude: latitude, longitude: longitude, source: .database
        )
    }

    /// Edge headers come from whoever connects: with trusted proxies configured, only a
    /// request arriving through one of them is believed.
    private func edgeHeadersTrusted(peer: String?) -> Bool {
        guard !addresses.trustedProxies.isEmpty else { return true }
        guard let peer, let address = IPAddress(peer) else { return false }
        return addresses.isTrusted(address)
    }
}
