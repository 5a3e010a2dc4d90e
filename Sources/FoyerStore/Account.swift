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

    public init(
        id: String, name: String, siteKey: String, trackingEnabled: Bool = true,
        allowedOrigins: [String] = [], createdAt: Int64
    ) {
        self.id = id
        self.name = name
        self.siteKey = siteKey
        self.trackingEnabled = trackingEnabled
        self.allowedOrigins = allowedOrigins
        self.createdAt = createdAt
    }
}
