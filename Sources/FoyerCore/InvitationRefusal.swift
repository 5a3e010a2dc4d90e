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

    /// Why `entry` cannot be invited now, or nil when it can: it must be shown, not
    /// Offline, without a chat and without a pending invitation (Idle is invitable: the
    /// invitation waits on the visitor's screen).
    public static func check(_ entry: Entry?) -> InvitationRefusal? {
        guard let entry else { return .noSuchEntry }
        if entry.chatID != nil || entry.status == .chatting { return .chatting }
        if entry.status == .offline { return .offline }
        if entry.invitation?.isPending == true { return .pending }
        return nil
    }
}
