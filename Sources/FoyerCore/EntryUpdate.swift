/// An entry as it is now and as it was just before one change, so the feed can send
/// dashboards only what differs instead of the whole entry and its history.
public struct EntryUpdate: Sendable, Hashable {
    public var entry: Entry
    public var previous: Entry

    public init(entry: Entry, previous: Entry) {
        self.entry = entry
        self.previous = previous
    }

    /// How the page history changed: the new history is the old one's pages
    /// `drop ..< drop + keep` followed by `added`.
    public struct PagesChange: Sendable, Hashable {
        public var drop: Int
        public var keep: Int
        public var added: ArraySlice<PageView>
    }

    /// The history change, or `nil` when the history is unchanged.
    ///
    /// The registry only ever drops pages from the front (the bounds), appends the new
    /// page and retitles the last one, so the search below ends at its first or second
    /// `drop`; it is still right for any pair of histories (at worst, everything is sent).
    public var pages: PagesChange? {
        let old = previous.pages
        let new = entry.pages
        guard old != new else { return nil }
        for drop in 0...old.count {
            let rest = old[(old.startIndex + drop)...]
            let kept = zip(rest, new).prefix(while: { $0 == $1 }).count
            // Everything that is left kept as it was, or all but a retitled last page.
            if kept == rest.count || kept == rest.count - 1 {
                return PagesChange(drop: drop, keep: kept, added: new[(new.startIndex + kept)...])
            }
        }
        return PagesChange(drop: old.count, keep: 0, added: new[...])
    }
}
