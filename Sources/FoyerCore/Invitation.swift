/// An agent's (or a trigger's) invitation to chat, shown on the visitor's page.
///
/// An entry keeps its latest invitation after it ends, with its final state, so
/// dashboards can show how it went and a trigger knows the tab was invited.
public struct Invitation: Sendable, Codable, Hashable {
    /// Server-made identity, unique within the account.
    public var id: String
    /// The text the visitor sees; it becomes the chat's first agent message on a reply.
    public var message: String
    /// The inviting agent's display name, as the visitor sees it.
    public var agent: String
    /// The inviting agent's user id (the author of the first message on a reply).
    public var agentID: String?
    /// The trigger's id when the invitation was automatic.
    public var trigger: String?
    public var state: InvitationState
    public var sentAt: Int64
    /// When ``state`` last changed.
    public var updatedAt: Int64

    public init(
        id: String, message: String, agent: String, agentID: String? = nil, trigger: String? = nil,
        state: InvitationState = .sent, sentAt: Int64, updatedAt: Int64? = nil
    ) {
        self.id = id
        self.message = message
        self.agent = agent
        self.agentID = agentID
        self.trigger = trigger
        self.state = state
        self.sentAt = sentAt
        self.updatedAt = updatedAt ?? sentAt
    }

    /// Sent or seen: the visitor may still answer.
    public var isPending: Bool { state.isPending }
}
