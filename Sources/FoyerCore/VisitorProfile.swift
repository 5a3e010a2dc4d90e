/// Who a visitor is, as the site said with `foyer('identify', …)` and `foyer('set', …)`.
///
/// Its fields live in one immutable box, so an entry holds a single reference (8 bytes)
/// whether the visitor is identified or not; a change makes a new box (entries are
/// values: copies never see each other's changes).
public struct VisitorProfile: Sendable, Codable, Hashable {
    private final class Storage: Sendable {
        let id: String?
        let name: String?
        let email: String?
        let verified: Bool
        let attributes: [VisitorAttribute]

        init(id: String?, name: String?, email: String?, verified: Bool, attributes: [VisitorAttribute]) {
            self.id = id
            self.name = name
            self.email = email
            self.verified = verified
            self.attributes = attributes
        }
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
        get { storage.attributes }
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
                && left.attributes == right.attributes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(name)
        hasher.combine(email)
        hasher.combine(verified)
        hasher.combine(attributes)
    }
}
