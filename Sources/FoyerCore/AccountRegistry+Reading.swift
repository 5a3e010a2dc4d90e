/// What the registry holds, read without changing it.
extension AccountRegistry {
    /// Entries shown, most recently connected first.
    public var shownEntries: [Entry] {
        entries.values.sorted { ($0.connectedAt, $0.number) > ($1.connectedAt, $1.number) }
    }

    public func entry(id: String) -> Entry? { entries[id] }

    public func entry(tab: String) -> Entry? { entryIDByTab[tab].flatMap { entries[$0] } }

    public var counters: Counters {
        Counters(live: entries.count, chats: tally[.chatting] ?? 0, waiting: waiting.count)
    }

    /// How many shown entries have each status.
    public var statusCounts: [EntryStatus: Int] { tally.filter { $0.value != 0 } }

    /// Tabs waiting over the limit, in arrival order.
    public var waitingTabs: [String] { waiting.map(\.hello.tab) }

    /// Whether the tab's chat was archived and it is hidden.
    public func isDismissed(tab: String) -> Bool { dismissed[tab] != nil }

    /// Whether a shown entry has a live connection.
    public func isConnected(entryID: String) -> Bool { live[entryID]?.isConnected ?? false }
}
