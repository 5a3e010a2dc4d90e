/// What must all hold for a ``Trigger`` to fire; a condition that is `nil` (or an empty
/// list or text) holds for everyone.
///
/// Every test is plain comparison: no regular expressions, so nothing a visitor sends
/// can make evaluation slow.
public struct TriggerConditions: Sendable, Codable, Hashable {
    /// **Page URL contains**: a case-insensitive substring of the sanitised current URL
    /// (no query string or fragment), at most ``TriggerLimits/urlText`` characters.
    public var urlContains: String?
    /// **Seconds on page**: at least this long on the current page.
    public var secondsOnPage: Int?
    /// Pages viewed in this visit (``Entry/pageCount``), at least.
    public var pagesViewed: Int?
    /// Returning visitor: `true` only returning, `false` only first visits, `nil` any.
    public var returning: Bool?
    /// The referrer's host is this host or one of its subdomains (`example.com` matches
    /// `www.example.com`, not `badexample.com`).
    public var referrerHost: String?
    /// The visitor's country is one of these ISO 3166-1 alpha-2 codes (upper case).
    public var countries: [String]?

    public init(
        urlContains: String? = nil, secondsOnPage: Int? = nil, pagesViewed: Int? = nil, returning: Bool? = nil,
        referrerHost: String? = nil, countries: [String]? = nil
    ) {
        self.urlContains = urlContains
        self.secondsOnPage = secondsOnPage
        self.pagesViewed = pagesViewed
        self.returning = returning
        self.referrerHost = referrerHost
        self.countries = countries
    }
}
