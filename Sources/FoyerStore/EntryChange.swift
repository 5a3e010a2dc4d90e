public import FoyerCore

/// One write the live state asks the store to make, in order.
public enum EntryChange: Sendable, Hashable {
    /// Insert or replace an entry.
    case save(accountID: String, entry: Entry)
    /// Remove an entry.
    case delete(accountID: String, entryID: String)
    /// Remember a browser's first visit (kept only as a salted hash).
    case browserSeen(accountID: String, browserHash: String, at: Int64)
    /// Record a browser's visit count and when it was last seen (issue 18); inserts the
    /// browser (first seen `at`) if it is new.
    case browserVisit(accountID: String, browserHash: String, visits: Int, at: Int64)
    /// Remove every entry of an account (tracking switched off).
    case clear(accountID: String)
}
