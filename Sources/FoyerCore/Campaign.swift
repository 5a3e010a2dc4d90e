/// The campaign that brought a visitor: the `utm_source`, `utm_medium` and
/// `utm_campaign` of the landing page, the only query parameters ever kept.
public struct Campaign: Sendable, Codable, Hashable {
    public var source: String?
    public var medium: String?
    /// `utm_campaign` (the feed calls it `campaign`).
    public var name: String?

    /// Longest value kept per parameter, in characters; longer ones are cut.
    public static let maxCharacters = 100

    public init(source: String? = nil, medium: String? = nil, name: String? = nil) {
        self.source = source
        self.medium = medium
        self.name = name
    }

    /// The campaign of a landing page's raw URL (as the tracker sent it, before
    /// sanitising), or nil when it has none of the three parameters. Values are
    /// percent-decoded (`+` is a space), cleaned like titles and cut to
    /// ``maxCharacters``; every other parameter is ignored.
    public init?(landingURL raw: String) {
        guard let mark = raw.firstIndex(of: "?") else { return nil }
        var query = raw[raw.index(after: mark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        var found = Campaign()
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = parts[0].lowercased()
            guard key == "utm_source" || key == "utm_medium" || key == "utm_campaign" else { continue }
            let value = TextLimits.clean(Self.decode(parts[1]), limit: Self.maxCharacters).trimmingSpaces()
            guard !value.isEmpty else { continue }
            switch key {
            case "utm_source": if found.source == nil { found.source = String(value) }
            case "utm_medium": if found.medium == nil { found.medium = String(value) }
            default: if found.name == nil { found.name = String(value) }
            }
        }
        guard found.source != nil || found.medium != nil || found.name != nil else { return nil }
        self = found
    }

    /// Percent-decoding of a query value (`+` is a space); malformed escapes stay as they are.
    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hex(utf8[index + 1]), let low = hex(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
