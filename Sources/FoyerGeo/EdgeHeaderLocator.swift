public import FoyerCore

/// Reads a visitor's location from a trusted edge proxy's headers.
public struct EdgeHeaderLocator: Sendable {
    public let provider: EdgeHeaderProvider
    private let countryNames: TimezoneTable

    public init(provider: EdgeHeaderProvider, countryNames: TimezoneTable = .shared) {
        self.provider = provider
        self.countryNames = countryNames
    }

    /// The location in `headers` (names in lower case), or nil when they carry no usable
    /// country. Values are checked: a two-letter code (not Cloudflare's `XX` unknown or
    /// `T1` Tor), coordinates in range, short printable names.
    public func location(headers: [(name: String, value: String)]) -> VisitorLocation? {
        let names = provider.headerNames
        func value(_ name: String?) -> String? {
            guard let name, let raw = headers.first(where: { $0.name == name })?.value else { return nil }
            return Self.cleanText(raw)
        }
        guard let rawCode = value(names.country), rawCode.utf8.count == 2,
              rawCode.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0 & ~0x20) })
        else { return nil }
        let code = rawCode.uppercased()
        guard code != "XX", code != "T1" else { return nil }
        var latitude = value(names.latitude).flatMap(Double.init)
        var longitude = value(names.longitude).flatMap(Double.init)
        if let lat = latitude, let lon = longitude, abs(lat) <= 90, abs(lon) <= 180, lat.isFinite, lon.isFinite {
            // Both present and in range.
        } else {
            latitude = nil
            longitude = nil
        }
        return VisitorLocation(
            countryCode: code,
            country: value(names.countryName) ?? countryNames.countryName(forCode: code),
            city: value(names.city),
            latitude: latitude,
            longitude: longitude,
            source: .edge
        )
    }

    /// Trimmed, percent-decoded when encoded, at most 100 characters, no control
    /// characters; nil when empty.
    static func cleanText(_ raw: String) -> String? {
        var text = String(raw.trimmingASCIIWhitespace())
        if text.contains("%"), let decoded = percentDecoded(text) { text = decoded }
        guard !text.isEmpty, text.count <= 100,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return text
    }

    private static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
