/// One message of a chat. Ids increase with time, so clients order and de-duplicate by id.
public struct ChatMessage: Sendable, Codable, Hashable {
    public enum Author: String, Sendable, Codable, Hashable {
        case visitor
        case agent
    }

    /// Sent (stored), delivered (reached the other side), read (seen by the other side).
    public enum State: String, Sendable, Codable, Hashable, Comparable {
        case sent
        case delivered
        case read

        private var rank: Int { self == .sent ? 0 : self == .delivered ? 1 : 2 }
        public static func < (lhs: State, rhs: State) -> Bool { lhs.rank < rhs.rank }
    }

    public var id: Int64
    public var chatID: String
    public var author: Author
    /// The agent who wrote it, for agent messages.
    public var agentID: String?
    /// The visitor widget's own id for the message, so a resend is not stored twice.
    public var clientID: String?
    public var text: String
    public var at: Int64
    public var state: State

    public init(id: Int64 = 0, chatID: String, author: Author, agentID: String? = nil, clientID: String? = nil, text: String, at: Int64, state: State = .sent) {
        self.id = id
        self.chatID = chatID
        self.author = author
        self.agentID = agentID
        self.clientID = clientID
        self.text = text
        self.at = at
        self.state = state
    }
}
