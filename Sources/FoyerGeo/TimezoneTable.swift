import Foundation

/// Places and country names from IANA tzdata, built by scripts/make_timezone_table.py
/// into Resources/timezones.tsv and loaded once, on first use.
public struct TimezoneTable: Sendable {
    /// The reference place of a timezone.
    public struct Place: Sendable, Hashable {
        /// ISO 3166-1 alpha-2 code (`TR`).
        public var countryCode: String
        /// The zone's reference city (`Istanbul` for `Europe/Istanbul`).
        public var city: String
        public var latitude: Double
        public var longitude: Double
    }

    /// The table shipped with Foyer, loaded lazily and once.
    public static let shared: TimezoneTable = {
        guard let url = Bundle.module.url(forResource: "timezones", withExtension: "tsv", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return TimezoneTable(contents: "") }
        return TimezoneTable(contents: text)
    }()

    private var zones: [String: Place] = [:]
    /// Lower-cased zone and alias names → canonical zone name.
    private var names: [String: String] = [:]
    private var countries: [String: String] = [:]

    /// Parses the table's text (see the script for the format).
    public init(contents: String) {
        var aliases: [(String, String)] = []
        for line in contents.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (fields.first, fields.count) {
            case ("Z", 6):
                guard let latitude = Double(fields[4]), let longitude = Double(fields[5]) else { continue }
                zones[fields[1]] = Place(countryCode: fields[2], city: fields[3], latitude: latitude, longitude: longitude)
                names[fields[1].lowercased()] = fields[1]
            case ("A", 3):
                aliases.append((fields[1], fields[2]))
            case ("C", 3):
                countries[fields[1]] = fields[2]
            default:
                continue
            }
        }
        for (alias, target) in aliases where zones[target] != nil && names[alias.lowercased()] == nil {
            names[alias.lowercased()] = target
        }
    }

    /// The reference place of an IANA zone name, old names (`Asia/Istanbul`,
    /// `Europe/Kiev`, `US/Eastern`) included. Case is ignored.
    public func place(forZone zone: String) -> Place? {
        let key = zone.trimmingASCIIWhitespace().lowercased()
        guard key.count <= 64, let canonical = names[key] else { return nil }
        return zones[canonical]
    }

    /// The English short name of a country (`Türkiye` for `TR`).
    public func countryName(forCode code: String) -> String? {
        countries[code.uppercased()]
    }

    /// Number of zones known (aliases not counted).
    public var zoneCount: Int { zones.count }
}
