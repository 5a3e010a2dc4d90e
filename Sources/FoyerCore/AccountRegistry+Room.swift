/// Room for people who are there: the places an address holds, Offline entries that
/// give theirs up, and the waiting line let in as places free.
extension AccountRegistry {
    /// Places the tabs of `key` hold.
    func places(of key: String) -> Int { placesByKey?[key] ?? 0 }

    /// Makes a place for a connected tab of `key` if the rules allow one: a free place,
    /// or the place of the oldest Offline entry (of `key` itself when `key` holds its
    /// whole share). Returns whether the tab can be shown now.
    mutating func makeRoom(for key: String?, now: Int64, events: inout [RegistryEvent]) -> Bool {
        if let key, places(of: key) >= configuration.placesPerAddress {
            guard let oldest = oldestOffline(of: key) else { return false }
            remove(oldest, reason: .madeRoom, events: &events)
            return entries.count < configuration.entryLimit
        }
        if entries.count < configuration.entryLimit { return true }
        guard let oldest = oldestOffline(of: nil) else { return false }
        remove(oldest, reason: .madeRoom, events: &events)
        return entries.count < configuration.entryLimit
    }

    /// The Offline entry that left first (of one client key, or of any), ties by number.
    private func oldestOffline(of key: String?) -> String? {
        var oldest: (leftAt: Int64, number: Int, id: String)?
        for (id, leftAt) in offlineSince {
            if let key, live[id]?.clientKey != key { continue }
            guard let number = entries[id]?.number else { continue }
            if oldest.map({ (leftAt, number) < ($0.leftAt, $0.number) }) ?? true { oldest = (leftAt, number, id) }
        }
        return oldest?.id
    }

    /// Lets waiting tabs in, in arrival order, while there is room for them: a tab whose
    /// address holds its whole share (with nothing Offline to give) stays in line and
    /// the next one is tried.
    mutating func admitWaiting(now: Int64, events: inout [RegistryEvent]) {
        var index = 0
        var stuck: Set<String> = []
        while index < waiting.count {
            if entries.count >= configuration.entryLimit && offlineSince.isEmpty { break }
            let key = waiting[index].hello.clientKey
            if let key, stuck.contains(key) {
                index += 1
                continue
            }
            guard makeRoom(for: key, now: now, events: &events) else {
                // No place for this address now; nor for any tab without a key if the account is full.
                if let key { stuck.insert(key) } else { break }
                index += 1
                continue
            }
            let next = waiting.remove(at: index)
            var entry = create(next.hello, connection: next.connections[0], arrivedAt: next.arrivedAt, now: now)
            live[entry.id]?.connections = next.connections
            if next.chatID != nil || next.profile != nil || next.events != nil || next.inactiveSince != nil {
                entry.chatID = next.chatID
                entry.profile = next.profile
                entry.events = next.events
                entry.inactiveSince = next.inactiveSince
                entry.status = Self.status(of: entry, connected: true)
                put(entry)
            }
            events.append(.added(entry))
        }
    }
}
