/// The location fields of one database record: what Foyer shows, nothing else.
public struct MaxMindLocation: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 code as stored (`TR`).
    public var countryCode: String?
    /// English country name from the record (`names.en`, or a flat `country` string).
    public var countryName: String?
    /// English city name.
    public var city: String?
    public var latitude: Double?
    public var longitude: Double?

    public init(
        countryCode: String? = nil, countryName: String? = nil, city: String? = nil,
        latitude: Double? = nil, longitude: Double? = nil
    ) {
        self.countryCode = countryCode
        self.countryName = countryName
        self.city = city
        self.latitude = latitude
        self.longitude = longitude
    }

    /// True when the record said nothing useful.
    public var isEmpty: Bool {
        countryCode == nil && countryName == nil && city == nil && latitude == nil && longitude == nil
    }
}
