/// Who a visitor is, as the site said with `foyer('identify', …)` and `foyer('set', …)`.
///
/// Everything lives in one immutable, tail-allocated box, so an entry holds a single
/// reference (8 bytes) whether the visitor is identified or not, and an identified
/// visitor costs one allocation: the id, name and email and the attributes are bytes
/// in the box (`name US type value RS` per attribute) rather than a box, an array and a
/// string per long field (ten short attributes and an identity took ~560 bytes in four
/// allocations, now ~260 in one). A change makes a new box (entries are values: copies
/// never see each other's changes).
public struct VisitorProfile: Sendable, Codable, Hashable {
    /// Lengths of the identity fields (-1: not given) and of all bytes.
    private struct Header {
        var idLength: Int32
        var nameLength: Int32
        var emailLength: Int32
        var count: Int32
        var verified: Bool
    }

    /// Immutable once made: its bytes are written by ``make(id:name:email:verified:packed:)`` only.
    private final class Storage: ManagedBuffer<Header, UInt8> {
        static func make(id: String?, name: String?, email: String?, verified: Bool, packed: [UInt8]) -> Storage {
            let fields = [id, name, email]
            let count = fields.reduce(packed.count) { $0 + ($1?.utf8.count ?? 0) }
            let header = Header(
                idLength: id.map { Int32($0.utf8.count) } ?? -1, nameLength: name.map { Int32($0.utf8.count) } ?? -1,
                emailLength: email.map { Int32($0.utf8.count) } ?? -1, count: Int32(count), verified: verified)
            let buffer = Storage.create(minimumCapacity: count) { _ in header }
            buffer.withUnsafeMutablePointerToElements { start in
                var at = start
                for field in fields {
                    guard let field else { continue }
                    for byte in field.utf8 {
                        at.initialize(to: byte)
                        at += 1
                    }
                }
                packed.withUnsafeBufferPointer { bytes in
                    if let base = bytes.baseAddress { at.initialize(from: base, count: bytes.count) }
                }
            }
            return unsafeDowncast(buffer, to: Storage.self)
        }

        /// The bytes of field `index` (0 id, 1 name, 2 email, 3 the packed attributes);
        /// nil for an identity field not given.
        func withField<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T {
            let header = self.header
            let lengths = (Int(header.idLength), Int(header.nameLength), Int(header.emailLength))
            let length: Int
            var offset = 0
            switch index {
            case 0:
                length = lengths.0
            case 1:
                offset = max(0, lengths.0)
                length = lengths.1
            case 2:
                offset = max(0, lengths.0) + max(0, lengths.1)
                length = lengths.2
            default:
                offset = max(0, lengths.0) + max(0, lengths.1) + max(0, lengths.2)
                length = Int(header.count) - offset
            }
            guard length >= 0 else { return body(nil) }
            return withUnsafeMutablePointerToElements { start in body(UnsafeBufferPointer(start: start + offset, count: length)) }
        }

        func string(_ index: Int) -> String? {
            withField(index) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
        }

        var packed: [UInt8] { withField(3) { $0.map(Array.init) ?? [] } }

        var verified: Bool { header.verified }

        /// Same fields and bytes.
        func sameContents(as other: Storage) -> Bool {
            let (mine, theirs) = (header, other.header)
            guard mine.idLength == theirs.idLength, mine.nameLength == theirs.nameLength, mine.emailLength == theirs.emailLength,
                mine.count == theirs.count, mine.verified == theirs.verified
            else { return false }
            return withUnsafeMutablePointerToElements { left in
                other.withUnsafeMutablePointerToElements { right in
                    UnsafeBufferPointer(start: left, count: Int(mine.count)).elementsEqual(UnsafeBufferPointer(start: right, count: Int(mine.count)))
                }
            }
        }

        func hash(into hasher: inout Hasher) {
            let header = self.header
            hasher.combine(header.idLength)
            hasher.combine(header.nameLength)
            hasher.combine(header.emailLength)
            hasher.combine(header.verified)
            withUnsafeMutablePointerToElements { start in hasher.combine(bytes: UnsafeRawBufferPointer(start: start, count: Int(header.count))) }
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

    /// Safe to share across threads: the box is never written after ``Storage/make``.
    private struct Shared: @unchecked Sendable {
        let storage: Storage
    }

    private var shared: Shared
    private var storage: Storage { shared.storage }

    private init(id: String?, name: String?, email: String?, verified: Bool, packed: [UInt8]) {
        shared = Shared(storage: Storage.make(id: id, name: name, email: email, verified: verified, packed: packed))
    }

    /// The site's own id for the visitor (e.g. its customer number).
    public var id: String? {
        get { storage.string(0) }
        set { self = VisitorProfile(id: newValue, name: name, email: email, verified: verified, packed: storage.packed) }
    }
    public var name: String? {
        get { storage.string(1) }
        set { self = VisitorProfile(id: id, name: newValue, email: email, verified: verified, packed: storage.packed) }
    }
    public var email: String? {
        get { storage.string(2) }
        set { self = VisitorProfile(id: id, name: name, email: newValue, verified: verified, packed: storage.packed) }
    }
    /// Whether the identity came with a valid `hash` (HMAC-SHA256 of `id` with the
    /// account's identity secret).
    public var verified: Bool {
        get { storage.verified }
        set { self = VisitorProfile(id: id, name: name, email: email, verified: newValue, packed: storage.packed) }
    }
    /// Custom attributes in the order they were first set.
    public var attributes: [VisitorAttribute] {
        get { Self.unpack(storage.packed) }
        set { self = VisitorProfile(id: id, name: name, email: email, verified: verified, packed: Self.pack(newValue)) }
    }

    public init(id: String? = nil, name: String? = nil, email: String? = nil, verified: Bool = false, attributes: [VisitorAttribute] = []) {
        self.init(id: id, name: name, email: email, verified: verified, packed: Self.pack(attributes))
    }

    /// Whether `identify` gave anything (an attribute-only profile is not identified).
    public var isIdentified: Bool {
        let header = storage.header
        return header.idLength >= 0 || header.nameLength >= 0 || header.emailLength >= 0
    }

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
        left.storage === right.storage || left.storage.sameContents(as: right.storage)
    }

    public func hash(into hasher: inout Hasher) {
        storage.hash(into: &hasher)
    }
}
