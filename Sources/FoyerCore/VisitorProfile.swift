/// Who a visitor is, as the site said with `foyer('identify', …)` and `foyer('set', …)`.
///
/// Its fields live in one immutable box, so an entry holds a single reference (8 bytes)
/// whether the visitor is identified or not; a change makes a new box (entries are
/// values: copies never see each other's changes). The attributes are packed into one
/// byte array (`name US type value RS` each): ten short attributes take ~180 bytes
/// instead of an array of 40-byte elements plus their strings (~450).
public struct VisitorProfile: Sendable, Codable, Hashable {
    private final class Storage: Sendable {
        let id: String?
        let name: String?
        let email: String?
        let verified: Bool
        /// ``VisitorProfile/pack(_:)``'s bytes; empty when there are no attributes.
        let packed: [UInt8]

        init(id: String?, name: String?, email: String?, verified: Bool, attributes: [VisitorAttribute]) {
            self.id = id
            self.name = name
            self.email = email
            self.verified = verified
            packed = VisitorProfile.pack(attributes)
        }
    }

    private static let unitSeparator: UInt8 = 0x1F
    private static let recordSeparator: UInt8 = 0x1E

    /// Names (``ProfileRules/isName(_:)``) and cleaned values never hold control
    /// characters, so the separators cannot occur inside them.
    private static func pack(_ attributes: [VisitorAttribute]) -> [UInt8] {
        var bytes: [UInt8] = []
        for attribute in attributes {
            bytes.append(contentsOf: attribute.name.utf8)
            bytes.append(unitSeparator)
            switch attribute.value {
            case .string(let text):
                bytes.append(UInt8(ascii: "s"))
                bytes.append(contentsOf: text.utf8)
            case .number(let number):
                bytes.append(UInt8(ascii: "n"))
                bytes.append(contentsOf: number.description.utf8)
            case .bool(let flag):
                bytes.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            }
            bytes.append(recordSeparator)
        }
        return bytes
    }

    private static func unpack(_ bytes: [UInt8]) -> [VisitorAttribute] {
        var attributes: [VisitorAttribute] = []
        for record in bytes.split(separator: recordSeparator) {
            guard let cut = record.firstIndex(of: unitSeparator), cut + 1 < record.endIndex else { continue }
            let name = String(decoding: record[..<cut], as: UTF8.self)
            let rest = record[(cut + 2)...]
            let value: AttributeValue
            switch record[cut + 1] {
            case UInt8(ascii: "s"): value = .string(String(decoding: rest, as: UTF8.self))
            case UInt8(ascii: "n"): value = .number(Double(String(decoding: rest, as: UTF8.self)) ?? 0)
            case UInt8(ascii: "t"): value = .bool(true)
            default: value = .bool(false)
            }
            attributes.append(VisitorAttribute(name: name, value: value))
        }
        return attributes
    }

    private var storage: Storage

    /// The site's own id for the visitor (e.g. its customer number).
    public var id: String? {
        get { storage.id }
        set { storage = Storage(id: newValue, name: name, email: email, verified: verified, attributes: attributes) }
    }
    public var name: String? {
        get { storage.name }
        set { storage = Storage(id: id, name: newValue, email: email, verified: verified, attributes: attributes) }
    }
    public var email: String? {
        get { storage.email }
        set { storage = Storage(id: id, name: name, email: newValue, verified: verified, attributes: attributes) }
    }
    /// Whether the identity came with a valid `hash` (HMAC-SHA256 of `id` with the
    /// account's identity secret).
    public var verified: Bool {
        get { storage.verified }
        set { storage = Storage(id: id, name: name, email: email, verified: newValue, attributes: attributes) }
    }
    /// Custom attributes in the order they were first set.
    public var attributes: [VisitorAttribute] {
        get { Self.unpack(storage.packed) }
        set { storage = Storage(id: id, name: name, email: email, verified: verified, attributes: newValue) }
    }

    public init(id: String? = nil, name: String? = nil, email: String? = nil, verified: Bool = false, attributes: [VisitorAttribute] = []) {
        storage = Storage(id: id, name: name, email: email, verified: verified, attributes: attributes)
    }

    /// Whether `identify` gave anything (an attribute-only profile is not identified).
    public var isIdentified: Bool { id != nil || name != nil || email != nil }

    /// This profile with `changes` set: new names are appended, known ones replaced in place.
    public func setting(_ changes: [VisitorAttribute]) -> VisitorProfile {
        var merged = attributes
        for change in changes {
            if let index = merged.firstIndex(where: { $0.name == change.name }) {
                merged[index] = change
            } else {
                merged.append(change)
            }
        }
        var copy = self
        copy.attributes = merged
        return copy
    }

    private enum Keys: String, CodingKey { case id, name, email, verified, attributes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            id: try container.decodeIfPresent(String.self, forKey: .id),
            name: try container.decodeIfPresent(String.self, forKey: .name),
            email: try container.decodeIfPresent(String.self, forKey: .email),
            verified: try container.decodeIfPresent(Bool.self, forKey: .verified) ?? false,
            attributes: try container.decodeIfPresent([VisitorAttribute].self, forKey: .attributes) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(email, forKey: .email)
        try container.encode(verified, forKey: .verified)
        try container.encode(attributes, forKey: .attributes)
    }

    public static func == (left: VisitorProfile, right: VisitorProfile) -> Bool {
        left.storage === right.storage
            || (left.id == right.id && left.name == right.name && left.email == right.email && left.verified == right.verified
                && left.storage.packed == right.storage.packed)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(name)
        hasher.combine(email)
        hasher.combine(verified)
        hasher.combine(storage.packed)
    }
}
