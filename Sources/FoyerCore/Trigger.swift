/// An automatic invitation rule of an account (Settings → **Triggers**): when every
/// condition holds for a tab, the server invites it with ``message``.
///
/// Triggers are tried in ``position`` order and the first that holds wins; a tab gets at
/// most one automatic invitation per visit (``TriggerEvaluator`` says when).
public struct Trigger: Sendable, Codable, Hashable {
    /// Server-generated identity (`tr_…`), also the invitation's `trigger`.
    public var id: String
    /// **Trigger name**, 1–80 characters; shown to agents only.
    public var name: String
    /// **Message** the visitor sees, 1–500 characters.
    public var message: String
    /// **Enabled**: a disabled trigger never fires.
    public var enabled: Bool
    /// Order among the account's triggers, from 0.
    public var position: Int
    public var conditions: TriggerConditions

    public init(id: String, name: String, message: String, enabled: Bool = true, position: Int = 0, conditions: TriggerConditions = .init()) {
        self.id = id
        self.name = name
        self.message = message
        self.enabled = enabled
        self.position = position
        self.conditions = conditions
    }
}
