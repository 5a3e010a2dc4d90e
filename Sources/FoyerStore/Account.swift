/// A workspace: one website's team and its visitors. Accounts are strictly isolated.
public struct Account: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    /// Public key the tracker sends (`data-site`).
    public var siteKey: String
    public var trackingEnabled: Bool
    /// Website origins allowed to open tracker sockets; empty means any.
    public var allowedOrigins: [String]
    public var createdAt: Int64
    /// The key of `identify`'s `hash` (HMAC-SHA256 of the visitor's id): 64 hex digits,
    /// or `""` until an owner or admin first opens the settings (created then).
    public var identitySecret: String
    /// Whether the tracker keeps a browser id (`foyer.vid` in localStorage) for the ↩
    /// badge and Visits; on by default.
    public var rememberVisitors: Bool
    /// The account's default invitation message (Settings → Invitations), already cleaned;
    /// nil for the built-in one.
    public var invitationMessage: String?

    public init(
        id: String, name: String, siteKey: String, trackingEnabled: Bool = true,
        allowedOrigins: [String] = [], createdAt: Int64, identitySecret: String = "", rememberVisitors: Bool = true,
        invitationMessage: String? = nil
    ) {
        self.id = id
        self.name = name
        self.siteKey = siteKey
        self.trackingEnabled = trackingEnabled
        self.allowedOrigins = allowedOrigins
        self.createdAt = createdAt
        self.identitySecret = identitySecret
        self.rememberVisitors = rememberVisitors
        self.invitationMessage = invitationMessage
    }
}
