/// The text of an invitation as the visitor sees it, whether an agent typed it in the
/// drawer or a trigger carries it: one cleaning and one limit for both.
public enum InvitationMessage {
    /// Longest message, in characters, counted after cleaning.
    public static let maxCharacters = 500
    /// What the drawer's form starts with until an owner or admin sets the account's own
    /// default message in Settings → Invitations.
    public static let builtIn = "Hi! Can I help you with anything?"

    /// `raw` cleaned like a page title (``TextLimits/clean(_:limit:)``: control characters
    /// out, line breaks as spaces, invisible and direction-changing characters dropped)
    /// and trimmed. The whole text is cleaned before it is measured, so a message that is
    /// too long is refused by the caller, never silently cut.
    public static func cleaned(_ raw: String) -> String {
        String(TextLimits.clean(raw, limit: .max).trimmingSpaces())
    }
}
