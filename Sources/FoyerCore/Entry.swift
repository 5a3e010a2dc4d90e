/// One browser tab shown on the Visitors page.
///
/// Everything here is safe to show an agent: URLs are sanitised and the visitor's IP
/// address is never part of an entry. ``tab`` is the tab's own identity and is kept
/// server-side only (the feed leaves it out).
///
/// Every shown tab holds one of these for hours, so the fields few entries use (the
/// time it left, its chat, invitation and tracked events) live in one optional box
/// (``Rare``): an entry without them pays 8 bytes instead of ~150, small numbers are
/// kept narrow, and the current page is not kept twice (as the page and as the last of
/// ``pages``). The properties read and write like plain stored ones; the encoded
/// form is the same as when they were.
public struct Entry: Sendable, Codable, Hashable {
    /// The fields few entries have, boxed together; the box is never changed, only
    /// replaced, and absent when all of them are (so equal entries compare equal).
    private struct Rare: Sendable, Hashable {
        var leftAt: Int64?
        var chatID: String?
        var invitation: Invitation?
        var autoInvited: Bool?
        var events: [TrackedEvent]?
    }

    private final class RareBox: Sendable, Hashable {
        let rare: Rare
        init(_ rare: Rare) { self.rare = rare }
        static func == (left: RareBox, right: RareBox) -> Bool { left === right || left.rare == right.rare }
        func hash(into hasher: inout Hasher) { hasher.combine(rare) }
    }

    // Stored fields, widest first so the small ones pack at the end.
    /// Server-generated identity, stable for the entry's life.
    public var id: String
    /// The tab identity sent by the tracker (kept in the tab's `sessionStorage`).
    public var tab: String
    private var storedURL: String
    private var storedTitle: String
    /// Sanitised referrer, or `""` for a direct visit.
    public var referrer: String
    public var language: String
    public var timezone: String
    /// The salted hash of the browser's id (the key blocks use); server-side only, like
    /// ``tab``. `nil` when the tracker sent no browser id.
    public var browser: String?
    public var location: VisitorLocation?
    /// ``pages`` without its last one when that is the current page (``lastPageIsCurrent``),
    /// as it nearly always is: a tab on its first page then needs no array at all.
    private var earlierPages: [PageView]
    /// First arrival of the tab.
    public var connectedAt: Int64
    private var storedPageSince: Int64
    /// Identity and custom attributes from `foyer('identify'…)` / `foyer('set'…)` (issue 18).
    public var profile: VisitorProfile?
    /// utm_source/medium/campaign of the landing page.
    public var campaign: Campaign?
    private var rareBox: RareBox?
    /// Since when the tracker has reported the tab inactive (hidden or without input);
    /// the status is then ``EntryStatus/idle`` unless the tab is chatting or offline.
    public var inactiveSince: Int64?
    private var storedNumber: Int32
    /// -1: nil.
    private var storedPageCount: Int32
    /// -1: nil.
    private var storedVisits: Int32
    /// Parsed from the User-Agent at hello; the raw string is never kept.
    public var device: DeviceInfo?
    public var status: EntryStatus
    public var returning: Bool
    private var lastPageIsCurrent: Bool

    public var url: String {
        get { storedURL }
        set { setPage(url: newValue, title: storedTitle, since: storedPageSince, pages: pages) }
    }
    public var title: String {
        get { storedTitle }
        set { setPage(url: storedURL, title: newValue, since: storedPageSince, pages: pages) }
    }
    /// When the current page began.
    public var pageSince: Int64 {
        get { storedPageSince }
        set { setPage(url: storedURL, title: storedTitle, since: newValue, pages: pages) }
    }
    /// Pages viewed in this tab, oldest first, bounded.
    public var pages: [PageView] {
        get {
            guard lastPageIsCurrent else { return earlierPages }
            var all = earlierPages
            all.append(PageView(url: storedURL, title: storedTitle, at: storedPageSince))
            return all
        }
        set { setPage(url: storedURL, title: storedTitle, since: storedPageSince, pages: newValue) }
    }

    /// Sets the current page and the history at once (one change instead of four).
    public mutating func setPage(url: String, title: String, since: Int64, pages: [PageView]) {
        storedURL = url
        storedTitle = title
        storedPageSince = since
        // Always the same form for the same pages, so equal entries compare equal.
        if let last = pages.last, last.url == url, last.title == title, last.at == since {
            earlierPages = Array(pages.dropLast())
            lastPageIsCurrent = true
        } else {
            earlierPages = pages
            lastPageIsCurrent = false
        }
    }

    /// `Visitor N`'s N: the smallest free number when the entry was created.
    public var number: Int {
        get { Int(storedNumber) }
        set { storedNumber = Int32(clamping: newValue) }
    }
    /// Pages viewed in this visit (the entry's life), counted past the bounds of ``pages``;
    /// `nil` in entries saved before it was counted.
    public var pageCount: Int? {
        get { storedPageCount < 0 ? nil : Int(storedPageCount) }
        set { storedPageCount = newValue.map { Int32(clamping: max(0, $0)) } ?? -1 }
    }
    /// Visits this browser made to the site; nil when not remembered.
    public var visits: Int? {
        get { storedVisits < 0 ? nil : Int(storedVisits) }
        set { storedVisits = newValue.map { Int32(clamping: max(0, $0)) } ?? -1 }
    }

    private var rare: Rare {
        get { rareBox?.rare ?? Rare() }
        set { rareBox = newValue == Rare() ? nil : RareBox(newValue) }
    }
    /// When the tab went; set while offline.
    public var leftAt: Int64? {
        get { rareBox?.rare.leftAt }
        set { rare.leftAt = newValue }
    }
    /// The active chat, if any.
    public var chatID: String? {
        get { rareBox?.rare.chatID }
        set { rare.chatID = newValue }
    }
    /// The latest invitation to chat, kept after it ends with its final state.
    public var invitation: Invitation? {
        get { rareBox?.rare.invitation }
        set { rare.invitation = newValue }
    }
    /// Set once a trigger invited this entry: no second automatic invitation this visit.
    public var autoInvited: Bool? {
        get { rareBox?.rare.autoInvited }
        set { rare.autoInvited = newValue }
    }
    /// `foyer('track', name)` events, oldest first, the last ``maxEvents``.
    public var events: [TrackedEvent]? {
        get { rareBox?.rare.events }
        set { rare.events = newValue }
    }

    /// Tracked events kept per entry.
    public static let maxEvents = 50

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
        storedURL = url
        storedTitle = title
        self.referrer = referrer
        self.language = language
        self.timezone = timezone
        self.browser = browser
        self.location = location
        earlierPages = []
        self.connectedAt = connectedAt
        storedPageSince = pageSince
        self.profile = profile
        self.campaign = campaign
        self.inactiveSince = inactiveSince
        storedNumber = Int32(clamping: number)
        storedPageCount = pageCount.map { Int32(clamping: max(0, $0)) } ?? -1
        storedVisits = visits.map { Int32(clamping: max(0, $0)) } ?? -1
        self.device = device
        self.status = status
        self.returning = returning
        lastPageIsCurrent = false
        let rare = Rare(leftAt: leftAt, chatID: chatID, invitation: invitation, autoInvited: autoInvited, events: events)
        rareBox = rare == Rare() ? nil : RareBox(rare)
        setPage(url: url, title: title, since: pageSince, pages: pages)
    }

    /// `Visitor N`, the name agents see.
    public var name: String { "Visitor \(number)" }

    // The encoded form of the plain stored fields this had: same keys, same order,
    // absent optionals left out.
    private enum CodingKeys: String, CodingKey {
        case id, tab, number, status, connectedAt, pageSince, leftAt, url, title, referrer, language, timezone, returning
        case location, pages, chatID, pageCount, invitation, autoInvited, profile, device, visits, campaign, events, browser
        case inactiveSince
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            tab: try container.decode(String.self, forKey: .tab),
            number: try container.decode(Int.self, forKey: .number),
            status: try container.decode(EntryStatus.self, forKey: .status),
            connectedAt: try container.decode(Int64.self, forKey: .connectedAt),
            pageSince: try container.decode(Int64.self, forKey: .pageSince),
            leftAt: try container.decodeIfPresent(Int64.self, forKey: .leftAt),
            url: try container.decode(String.self, forKey: .url),
            title: try container.decode(String.self, forKey: .title),
            referrer: try container.decode(String.self, forKey: .referrer),
            language: try container.decode(String.self, forKey: .language),
            timezone: try container.decode(String.self, forKey: .timezone),
            returning: try container.decode(Bool.self, forKey: .returning),
            location: try container.decodeIfPresent(VisitorLocation.self, forKey: .location),
            pages: try container.decode([PageView].self, forKey: .pages),
            chatID: try container.decodeIfPresent(String.self, forKey: .chatID),
            pageCount: try container.decodeIfPresent(Int.self, forKey: .pageCount),
            invitation: try container.decodeIfPresent(Invitation.self, forKey: .invitation),
            autoInvited: try container.decodeIfPresent(Bool.self, forKey: .autoInvited),
            profile: try container.decodeIfPresent(VisitorProfile.self, forKey: .profile),
            device: try container.decodeIfPresent(DeviceInfo.self, forKey: .device),
            visits: try container.decodeIfPresent(Int.self, forKey: .visits),
            campaign: try container.decodeIfPresent(Campaign.self, forKey: .campaign),
            events: try container.decodeIfPresent([TrackedEvent].self, forKey: .events),
            browser: try container.decodeIfPresent(String.self, forKey: .browser),
            inactiveSince: try container.decodeIfPresent(Int64.self, forKey: .inactiveSince))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(tab, forKey: .tab)
        try container.encode(number, forKey: .number)
        try container.encode(status, forKey: .status)
        try container.encode(connectedAt, forKey: .connectedAt)
        try container.encode(pageSince, forKey: .pageSince)
        try container.encodeIfPresent(leftAt, forKey: .leftAt)
        try container.encode(url, forKey: .url)
        try container.encode(title, forKey: .title)
        try container.encode(referrer, forKey: .referrer)
        try container.encode(language, forKey: .language)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(returning, forKey: .returning)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encode(pages, forKey: .pages)
        try container.encodeIfPresent(chatID, forKey: .chatID)
        try container.encodeIfPresent(pageCount, forKey: .pageCount)
        try container.encodeIfPresent(invitation, forKey: .invitation)
        try container.encodeIfPresent(autoInvited, forKey: .autoInvited)
        try container.encodeIfPresent(profile, forKey: .profile)
        try container.encodeIfPresent(device, forKey: .device)
        try container.encodeIfPresent(visits, forKey: .visits)
        try container.encodeIfPresent(campaign, forKey: .campaign)
        try container.encodeIfPresent(events, forKey: .events)
        try container.encodeIfPresent(browser, forKey: .browser)
        try container.encodeIfPresent(inactiveSince, forKey: .inactiveSince)
    }
}
