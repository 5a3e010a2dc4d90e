/// A blocked browser (SPEC section 11, **Block visitor**): only the key is kept, the
/// salted hash of the browser's id (or of the tab's id when the tab sent no browser id).
public struct BlockedBrowser: Sendable, Codable, Hashable {
    /// The block's own id, for **Unblock**.
    public var id: String
    public var accountID: String
    /// The browser key (``Entry/browser``) or the tab key blocked.
    public var browserHash: String
    /// `Visitor N` at the time of the block.
    public var visitor: String
    /// Why, as the agent wrote it (at most 200 characters), or `""`.
    public var reason: String
    /// The email of the owner or admin who blocked.
    public var blockedBy: String
    public var blockedAt: Int64
    /// When the block ends by itself.
    public var until: Int64

    public init(
        id: String, accountID: String, browserHash: String, visitor: String, reason: String, blockedBy: String, blockedAt: Int64, until: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.browserHash = browserHash
        self.visitor = visitor
        self.reason = reason
        self.blockedBy = blockedBy
        self.blockedAt = blockedAt
        self.until = until
    }
}
