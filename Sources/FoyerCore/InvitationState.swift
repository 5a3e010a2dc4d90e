/// Where an invitation to chat stands (SPEC section 10).
public enum InvitationState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Made; the visitor's page has not shown it yet.
    case sent
    /// Shown on the visitor's screen.
    case seen
    /// The visitor replied: the chat started with the invitation's message.
    case accepted
    /// The visitor closed it.
    case dismissed
    /// No answer in time, or the tab left (turned Offline).
    case expired

    /// Sent or seen: still waiting for the visitor.
    public var isPending: Bool { self == .sent || self == .seen }
}
