/// The campaign that brought a visitor: the `utm_source`, `utm_medium` and
/// `utm_campaign` of the landing page, the only query parameters ever kept.
///
/// Its fields live in one immutable box (like ``VisitorProfile``): an entry holds 8
/// bytes for it instead of three optional strings (48), campaign or not.
public struct Campaign: Sendable, Codable, Hashable {
    private final class Storage: Sendable {
        let source: String?
        let medium: String?
        let name: String?

        init(source: String?, medium: String?, name: String?) {
            self.source = source
            self.medium = medium
            self.name = name
        }
    }

    private var storage: Storage

    public var source: String? {
        get { storage.source }
        set { storage = Storage(source: newValue, medium: medium, name: name) }
    }
    public var medium: String? {
        get { storage.medium }
        set { storage = Storage(source: source, medium: newValue, name: name) }
    }
    /// `utm_campaign` (the feed calls it `campaign`).
    public var name: String? {
        get { storage.name }
        set { storage = Storage(source: source, medium: medium, name: newValue) }
    }

    /// Longest value kept per parameter, in characters; longer ones are cut.
    public static let maxCharacters = 100

    public init(source: String? = nil, medium: String? = nil, name: String? = nil) {
        storage = Storage(source: source, medium: medium, name: name)
    }

    private enum Keys: String, CodingKey { case source, medium, name }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            source: try container.decodeIfPresent(String.self, forKey: .source),
            medium: try container.decodeIfPresent(String.self, forKey: .medium),
            name: try container.decodeIfPresent(String.self, forKey: .name))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(medium, forKey: .medium)
        try container.encodeIfPresent(name, forKey: .name)
    }

    public static func == (left: Campaign, right: Campaign) -> Bool {
        left.storage === right.storage || (left.source == right.source && left.medium == right.medium && left.name == right.name)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(medium)
        hasher.combine(name)
    }

    /// The campaign of a landing page's raw URL (as the tracker sent it, before
    /// sanitising), or nil when it has none of the three parameters. Values are
    /// percent-decoded (`+` is a space), cleaned like titles and cut to
    /// ``maxCharacters``; every other parameter is ignored.
    public init?(landingURL raw: String) {
        guard let mark = raw.firstIndex(of: "?") else { return nil }
        var query = raw[raw.index(after: mark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        var source: String?
        var medium: String?
        var name: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = parts[0].lowercased()
            guard key == "utm_source" || key == "utm_medium" || key == "utm_campaign" else { continue }
            let value = TextLimits.clean(Self.decode(parts[1]), limit: Self.maxCharacters).trimmingSpaces()
            guard !value.isEmpty else { continue }
            switch key {
            case "utm_source": if source == nil { source = String(value) }
            case "utm_medium": if medium == nil { medium = String(value) }
            default: if name == nil { name = String(value) }
            }
        }
        guard source != nil || medium != nil || name != nil else { return nil }
        self.init(source: source, medium: medium, name: name)
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
