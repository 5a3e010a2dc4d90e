/// Where a visitor is browsing from, as shown to agents.
///
/// The visitor's IP address is never part of this value: it is used only to look the
/// location up and then dropped.
public struct VisitorLocation: Sendable, Codable, Hashable {
    /// Where a location came from, best first.
    public enum Source: String, Sendable, Codable, Hashable {
        /// A MaxMind-format city database configured by the operator.
        case database
        /// Location headers of a trusted edge proxy (CDN).
        case edge
        /// The browser's IANA timezone, mapped to that zone's reference city. Approximate.
        case timezone
    }

    /// ISO 3166-1 alpha-2 country code, upper case (`TR`).
    public var countryCode: String?
    /// English country name (`Türkiye`).
    public var country: String?
    /// English city name (`Istanbul`).
    public var city: String?
    public var latitude: Double?
    public var longitude: Double?
    public var source: Source

    public init(
        countryCode: String? = nil,
        country: String? = nil,
        city: String? = nil,
        latitude: Double? = nil,
        longitude: Double? = nil,
        source: Source
    ) {
        self.countryCode = countryCode
        self.country = country
        self.city = city
        self.latitude = latitude
        self.longitude = longitude
        self.source = source
    }

    /// True when the place is only inferred (from the timezone), so the UI can say so.
    public var isApproximate: Bool { source == .timezone }
}
