/// An invitation as the visitor's tracker receives it (`inv` of an `invite` message,
/// docs/PROTOCOL.md section 1): what the widget shows, nothing about the agent's account.
struct TrackerInvitation: Encodable, Sendable, Equatable {
    let id: String
    let message: String
    /// The inviting agent's display name.
    let agent: String
}
