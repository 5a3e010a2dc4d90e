/// What a visitor entry is doing now.
public enum EntryStatus: String, Sendable, Codable, Hashable, CaseIterable {
    /// Connected and in an active (not archived) chat.
    case chatting
    /// Connected and browsing.
    case online
    /// Connected, but hidden or without any input for the idle time.
    case idle
    /// The tab has gone; the entry stays visible for the retention period.
    case offline
}
