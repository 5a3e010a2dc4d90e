/// The bounds on an account's triggers, enforced by the API with a clear 400 (409 for
/// the count), and shown in Settings.
public enum TriggerLimits {
    /// Triggers per account.
    public static let perAccount = 50
    /// **Trigger name** length in characters.
    public static let name = 80
    /// **Message** length in characters.
    public static let message = InvitationMessage.maxCharacters
    /// **Page URL contains** and referrer host length in characters.
    public static let urlText = 200
    /// **Seconds on page**: a day.
    public static let seconds = 86_400
    /// Pages viewed.
    public static let pages = 1_000
    /// Country codes per trigger.
    public static let countries = 50
}
