import Foundation

/// Where `--geo-download` fetches a city database from, where it keeps it and how often.
public struct GeoDownloadConfiguration: Sendable {
    /// DB-IP City Lite (CC BY 4.0, updated monthly), the default source.
    public static let dbipCityLite = "https://download.db-ip.com/free/dbip-city-lite-{year}-{month}.mmdb.gz"
    /// The attribution its licence requires wherever its locations are shown.
    public static let attributionText = "IP geolocation by DB-IP"
    public static let attributionURL = "https://db-ip.com"

    /// The address to fetch, gzip-compressed or not. `{year}` and `{month}` are replaced
    /// by this month's (e.g. `2026` and `12`); when that file is not published yet, the
    /// previous month's is tried. A mirror or an air-gapped site can give any URL.
    public var urlTemplate: String
    /// The database file to keep current (in the data folder).
    public var destination: String
    /// A file older than this is downloaded again.
    public var refreshAfter: Duration
    /// How long to wait after a failed download before trying again.
    public var retryAfter: Duration
    /// Downloads larger than this are refused (DB-IP City Lite is about 130 MB).
    public var maxBytes: Int

    public init(
        urlTemplate: String = GeoDownloadConfiguration.dbipCityLite, destination: String, refreshAfter: Duration = .seconds(30 * 86_400),
        retryAfter: Duration = .seconds(6 * 3600), maxBytes: Int = 1 << 30
    ) {
        self.urlTemplate = urlTemplate
        self.destination = destination
        self.refreshAfter = refreshAfter
        self.retryAfter = retryAfter
        self.maxBytes = maxBytes
    }

    /// The URLs to try at `year`/`month`, this month's first.
    public func urls(year: Int, month: Int) -> [String] {
        guard urlTemplate.contains("{year}") || urlTemplate.contains("{month}") else { return [urlTemplate] }
        func filled(_ year: Int, _ month: Int) -> String {
            let padded = month < 10 ? "0\(month)" : "\(month)"
            return urlTemplate.replacingOccurrences(of: "{year}", with: "\(year)").replacingOccurrences(of: "{month}", with: padded)
        }
        let previous = month == 1 ? (year - 1, 12) : (year, month - 1)
        return [filled(year, month), filled(previous.0, previous.1)]
    }
}
