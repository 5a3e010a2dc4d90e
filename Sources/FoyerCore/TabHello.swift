/// A tab's validated greeting: what the tracker reported, sanitised, plus what the
/// server looked up (location, when the browser was first seen).
public struct TabHello: Sendable, Hashable, Codable {
    public var tab: String
    /// When this browser was first seen on the account, if ever.
    public var browserFirstSeen: Int64?
    public var url: String
    public var title: String
    public var referrer: String
    public var language: String
    public var timezone: String
    public var location: VisitorLocation?
    /// An opaque key for the client address the tab connected from, for the fair share
    /// of places (``RegistryConfiguration/placesPerAddress``): a salted hash the server
    /// computes, never the address itself. `nil` when unknown (no share applies).
    public var clientKey: String?
    /// Parsed from the upgrade request's User-Agent.
    public var device: DeviceInfo?
    /// The landing page's utm parameters; a resumed entry keeps its own.
    public var campaign: Campaign?
    /// Visits of this browser counting this one; nil when not remembered.
    public var visits: Int?
    /// The salted hash of the browser's id (``Entry/browser``), `nil` when none was sent.
    public var browser: String?

    public init(
        tab: String, browserFirstSeen: Int64? = nil, url: String, title: String, referrer: String = "",
        language: String = "", timezone: String = "", location: VisitorLocation? = nil,
        clientKey: String? = nil, device: DeviceInfo? = nil, campaign: Campaign? = nil, visits: Int? = nil, browser: String? = nil
    ) {
        self.tab = tab
        self.browserFirstSeen = browserFirstSeen
        self.url = url
        self.title = title
        self.referrer = referrer
        self.language = language
        self.timezone = timezone
        self.location = location
        self.clientKey = clientKey
        self.device = device
        self.campaign = campaign
        self.visits = visits
        self.browser = browser
    }
}
