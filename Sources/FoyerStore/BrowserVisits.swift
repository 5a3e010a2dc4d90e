/// What the store remembers of one browser (kept only as a salted hash): when it was
/// first and last seen, and how many visits it made.
public struct BrowserVisits: Sendable, Hashable {
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var visits: Int

    public init(firstSeen: Int64, lastSeen: Int64, visits: Int) {
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.visits = visits
    }

    /// A new entry of this browser at `now` is a new visit unless the browser was seen
    /// within this long (30 minutes).
    public static let visitGapMillis: Int64 = 30 * 60 * 1000
}
