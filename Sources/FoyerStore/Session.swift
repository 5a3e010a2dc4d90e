/// A signed-in browser. Only the SHA-256 of the cookie's token is stored.
public struct Session: Sendable, Hashable {
    public var tokenHash: String
    public var userID: String
    public var createdAt: Int64
    public var lastSeenAt: Int64

    public init(tokenHash: String, userID: String, createdAt: Int64, lastSeenAt: Int64) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
