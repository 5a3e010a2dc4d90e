/// A conversation between one visitor tab and the account's agents.
public struct Chat: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case active
        case archived
    }

    public var id: String
    public var accountID: String
    /// The visitor's tab (server-side identity, never sent to dashboards).
    public var tab: String
    /// The entry the chat started from, as shown on the map.
    public var entryID: String
    /// `Visitor N` when the chat started.
    public var visitor: String
    public var status: Status
    public var startedAt: Int64
    public var archivedAt: Int64?

    public init(id: String, accountID: String, tab: String, entryID: String, visitor: String, status: Status = .active, startedAt: Int64, archivedAt: Int64? = nil) {
        self.id = id
        self.accountID = accountID
        self.tab = tab
        self.entryID = entryID
        self.visitor = visitor
        self.status = status
        self.startedAt = startedAt
        self.archivedAt = archivedAt
    }
}
