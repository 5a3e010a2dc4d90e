/// What became of one automatic invitation, counted on its trigger.
public enum TriggerOutcome: String, Sendable, Hashable, CaseIterable {
    /// The visitor's screen showed it (the invitation turned Seen).
    case shown
    case accepted
    case dismissed
}
