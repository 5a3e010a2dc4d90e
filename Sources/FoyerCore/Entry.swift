/// One browser tab shown on the Visitors page.
///
/// Everything here is safe to show an agent: URLs are sanitised and the visitor's IP
/// address is never part of an entry. ``tab`` is the tab's own identity and is kept
/// server-side only (the feed leaves it out).
public struct Entry: Sendable, Codable, Hashable {
    /// Server-generated identity, stable for the entry's life.
    public var id: String
    /// The tab identity sent by the tracker (kept in the tab's `sessionStorage`).
    public var tab: String
    /// `Visitor N`'s N: the smallest free number when the entry was created.
    public var number: Int
    public var status: EntryStatus
    /// First arrival of the tab.
    public var connectedAt: Int64
    /// When the current page began.
    public var pageSince: Int64
    /// When the tab went; set while offline.
    public var leftAt: Int64?
    public var url: String
    public var title: String
    /// Sanitised referrer, or `""` for a direct visit.
    public var referrer: String
    public var language: String
    public var timezone: String
    public var returning: Bool
    public var location: VisitorLocation?
    /// Pages viewed in this tab, oldest first, bounded.
    public var pages: [PageView]
    /// The active chat, if any.
    public var chatID: String?
    /// Pages viewed in this visit (the entry's life), counted past the bounds of ``pages``;
    /// `nil` in entries saved before it was counted.
    public var pageCount: Int?
    /// The latest invitation to chat, kept after it ends with its final state.
    public var invitation: Invitation?
    /// Set once a trigger invited this entry: no second automatic invitation this visit.
    public var autoInvited: Bool?
    /// Identity and custom attributes from `foyer('identify'…)` / `foyer('set'…)` (issue 18).
    public var profile: VisitorProfile?
    /// Parsed from the User-Agent at hello; the raw string is never kept.
    public var device: DeviceInfo?
    /// Visits this browser made to the site; nil when not remembered.
    public var visits: Int?
    /// utm_source/medium/campaign of the landing page.
    public var campaign: Campaign?
    /// `foyer('track', name)` events, oldest first, the last ``maxEvents``.
    public var events: [TrackedEvent]?

    /// Tracked events kept per entry.
    public static let maxEvents = 50
    /// The salted hash of the browser's id (the key blocks use); server-side only, like
    /// ``tab``. `nil` when the tracker sent no browser id.
    public var browser: String?
    /// Since when the tracker has reported the tab inactive (hidden or without input);
    /// the status is then ``EntryStatus/idle`` unless the tab is chatting or offline.
    public var inactiveSince: Int64?

    public init(
        id: String, tab: String, number: Int, status: EntryStatus, connectedAt: Int64,
        pageSince: Int64, leftAt: Int64? = nil, url: String, title: String, referrer: String,
        language: String, timezone: String, returning: Bool, location: VisitorLocation?,
        pages: [PageView], chatID: String? = nil,
        pageCount: Int? = nil, invitation: Invitation? = nil, autoInvited: Bool? = nil,
        profile: VisitorProfile? = nil, device: DeviceInfo? = nil, visits: Int? = nil, campaign: Campaign? = nil,
        events: [TrackedEvent]? = nil, browser: String? = nil, inactiveSince: Int64? = nil
    ) {
        self.id = id
        self.tab = tab
        self.number = number
        self.status = status
        self.connectedAt = connectedAt
        self.pageSince = pageSince
        self.leftAt = leftAt
        self.url = url
        self.title = title
        self.referrer = referrer
        self.language = language
        self.timezone = timezone
        self.returning = returning
        self.location = location
        self.pages = pages
        self.chatID = chatID
        self.pageCount = pageCount
        self.invitation = invitation
        self.autoInvited = autoInvited
        self.profile = profile
        self.device = device
        self.visits = visits
        self.campaign = campaign
        self.events = events
        self.browser = browser
        self.inactiveSince = inactiveSince
    }

    /// `Visitor N`, the name agents see.
    public var name: String { "Visitor \(number)" }
}
