public import FoyerCore

/// A stored trigger with how its invitations went.
public struct TriggerRecord: Sendable, Hashable {
    public var trigger: Trigger
    /// Invitations of this trigger the visitor's screen showed.
    public var shown: Int
    public var accepted: Int
    public var dismissed: Int

    public init(trigger: Trigger, shown: Int = 0, accepted: Int = 0, dismissed: Int = 0) {
        self.trigger = trigger
        self.shown = shown
        self.accepted = accepted
        self.dismissed = dismissed
    }
}
