extension AccountRegistry {
    /// The status an entry shows (SPEC sections 2 and 11): a tab that is gone is Offline;
    /// a connected one is Chatting with an active chat (a chat outranks idleness), Idle
    /// while its tracker reports it inactive, Online otherwise. A tab in its disconnect
    /// grace counts as connected, so a short gap never flashes its status.
    static func status(of entry: Entry, connected: Bool) -> EntryStatus {
        guard connected else { return .offline }
        if entry.chatID != nil { return .chatting }
        return entry.inactiveSince == nil ? .online : .idle
    }

    /// The tab's tracker reports it inactive (hidden, or no input for the idle time) or
    /// active again. Only a shown entry that is not Offline changes; reporting the same
    /// state twice changes nothing (the first `inactive` time is kept).
    public mutating func activity(tab: String, inactive: Bool, now: Int64) -> [RegistryEvent] {
        if entryIDByTab[tab] == nil, let index = waiting.firstIndex(where: { $0.hello.tab == tab }) {
            // Waiting in line: the entry starts Idle if the tab is still inactive then.
            waiting[index].inactiveSince = inactive ? waiting[index].inactiveSince ?? now : nil
            return []
        }
        guard let id = entryIDByTab[tab], var entry = entries[id], entry.status != .offline else { return [] }
        let previous = entry
        if inactive {
            if entry.inactiveSince == nil { entry.inactiveSince = now }
        } else {
            entry.inactiveSince = nil
        }
        entry.status = Self.status(of: entry, connected: true)
        guard entry != previous else { return [] }
        put(entry)
        // `inactiveSince` is not a feed field: an entry already Chatting changes silently.
        return entry.status == previous.status ? [] : [.changed(EntryUpdate(entry: entry, previous: previous))]
    }
}
