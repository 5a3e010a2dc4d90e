/// A team member of one account.
public struct User: Sendable, Codable, Hashable {
    public var id: String
    public var accountID: String
    /// Lower-cased email, unique on the server.
    public var email: String
    /// bcrypt hash; never logged, never sent.
    public var passwordHash: String
    public var role: Role
    public var createdAt: Int64
    /// The name visitors see on this member's invitations, set by the member (cleaned,
    /// at most ``maxDisplayNameCharacters``); nil until they set one.
    public var displayName: String?

    /// Longest display name, in characters.
    public static let maxDisplayNameCharacters = 40

    public init(
        id: String, accountID: String, email: String, passwordHash: String, role: Role, createdAt: Int64, displayName: String? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.email = email
        self.passwordHash = passwordHash
        self.role = role
        self.createdAt = createdAt
        self.displayName = displayName
    }
}
