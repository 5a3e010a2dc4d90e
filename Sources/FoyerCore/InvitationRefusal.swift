/// Why ``AccountRegistry/invite(entryID:invitation:now:)`` made no invitation.
public enum InvitationRefusal: String, Error, Sendable, Hashable {
    /// No shown entry has this id.
    case noSuchEntry = "no such visitor"
    /// The visitor is Offline (or in the grace after the tab's last socket closed).
    case offline = "the visitor is offline"
    /// The visitor is in a chat already.
    case chatting = "the visitor is already chatting"
    /// An earlier invitation is still waiting for an answer.
    case pending = "an invitation is already pending"
}
