import FoyerCore

/// An invitation as dashboards see it: `{"id","message","agent","trigger","state","sentAt","updatedAt"}`
/// (the agent's user id stays on the server).
struct InvitationView: Sendable, Encodable, Hashable {
    let id: String
    let message: String
    let agent: String
    let trigger: String?
    let state: InvitationState
    let sentAt: Int64
    let updatedAt: Int64

    init(_ invitation: Invitation) {
        id = invitation.id
        message = invitation.message
        agent = invitation.agent
        trigger = invitation.trigger
        state = invitation.state
        sentAt = invitation.sentAt
        updatedAt = invitation.updatedAt
    }

    private enum CodingKeys: String, CodingKey { case id, message, agent, trigger, state, sentAt, updatedAt }

    /// `trigger` is written as `null` when absent, like the feed's hand-written JSON.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(message, forKey: .message)
        try container.encode(agent, forKey: .agent)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(state, forKey: .state)
        try container.encode(sentAt, forKey: .sentAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
