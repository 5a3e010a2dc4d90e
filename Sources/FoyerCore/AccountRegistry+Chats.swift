/// Chats: a tab that starts chatting, and archiving an entry.
extension AccountRegistry {
    /// The visitor of this tab started (or resumed) a chat.
    /// An archived (hidden) tab that chats again comes back as a new entry.
    public mutating func startChat(tab: String, chatID: String, now: Int64) -> [RegistryEvent] {
        if let index = waiting.firstIndex(where: { $0.hello.tab == tab }) {
            waiting[index].chatID = chatID
            return []
        }
        if let hidden = dismissed.removeValue(forKey: tab), !hidden.connections.isEmpty {
            let before = counters
            var events: [RegistryEvent] = []
            if makeRoom(for: hidden.hello.clientKey, now: now, events: &events) {
                var entry = create(hidden.hello, connection: hidden.connections[0], arrivedAt: now, now: now)
                live[entry.id]?.connections = hidden.connections
                entry.chatID = chatID
                entry.status = .chatting
                put(entry)
                events.append(.added(entry))
            } else {
                waiting.append(WaitingTab(hello: hidden.hello, connections: hidden.connections, arrivedAt: now, chatID: chatID))
            }
            appendCounters(before, to: &events)
            return events
        }
        guard let id = entryIDByTab[tab], var entry = entries[id] else { return [] }
        let before = counters
        let previous = entry
        entry.chatID = chatID
        if entry.status != .offline { entry.status = .chatting }
        // A reply to a pending invitation is what starts the chat.
        endInvitation(of: &entry, as: .accepted, now: now)
        guard entry != previous else { return [] }
        put(entry)
        var events: [RegistryEvent] = [.changed(EntryUpdate(entry: entry, previous: previous))]
        appendCounters(before, to: &events)
        return events
    }

    /// Archiving a chat removes its visitor's entry at once and frees the number.
    public mutating func archive(entryID: String, now: Int64) -> [RegistryEvent] {
        guard let entry = entries[entryID] else { return [] }
        let before = counters
        var events: [RegistryEvent] = []
        let connections = live[entryID]?.connections ?? []
        let hello = TabHello(
            tab: entry.tab, url: entry.url, title: entry.title, referrer: entry.referrer,
            language: entry.language, timezone: entry.timezone, location: entry.location,
            clientKey: live[entryID]?.clientKey, device: entry.device, campaign: entry.campaign, visits: entry.visits, browser: entry.browser)
        dismissed[entry.tab] = DismissedTab(hello: hello, connections: connections, goneAt: connections.isEmpty ? now : nil)
        remove(entryID, reason: .archived, events: &events)
        admitWaiting(now: now, events: &events)
        appendCounters(before, to: &events)
        return events
    }
}
