extension AccountRegistry {
    /// Whether `key` (a browser key or a tab key) is blocked at `now`. A block whose end
    /// has passed no longer counts, even before ``tick(now:)`` purges it.
    public func isBlocked(_ key: String, now: Int64) -> Bool {
        guard let until = blocks?[key] else { return false }
        return until > now
    }

    /// Whether a greeting tab belongs to a blocked browser, or is itself a blocked tab.
    func isBlocked(_ hello: TabHello, now: Int64) -> Bool {
        guard let blocks, !blocks.isEmpty else { return false }
        if let browser = hello.browser, isBlocked(browser, now: now) { return true }
        return isBlocked(hello.tab, now: now)
    }

    /// Blocks a browser (or, for a tab without a browser id, the tab's key) until `until`:
    /// every entry of it leaves every dashboard at once (reason ``RemovalReason/blocked``),
    /// its waiting and hidden tabs are dropped, and its later hellos are refused
    /// (``ConnectOutcome/blocked``) until ``unblock(_:)`` or the end of the block.
    /// Returns the events and the tabs whose trackers must be told to stop.
    public mutating func block(_ key: String, until: Int64, now: Int64) -> (events: [RegistryEvent], stoppedTabs: [String]) {
        if blocks == nil { blocks = [:] }
        blocks![key] = until
        func matches(_ tab: String, _ browser: String?) -> Bool { tab == key || browser == key }
        let before = counters
        var events: [RegistryEvent] = []
        let shown = entries.values.filter { matches($0.tab, $0.browser) }.sorted { $0.number < $1.number }
        var stopped = shown.map(\.tab)
        for entry in shown { remove(entry.id, reason: .blocked, events: &events) }
        stopped += waiting.filter { matches($0.hello.tab, $0.hello.browser) }.map(\.hello.tab)
        waiting.removeAll { matches($0.hello.tab, $0.hello.browser) }
        for (tab, hidden) in dismissed where matches(tab, hidden.hello.browser) {
            stopped.append(tab)
            dismissed[tab] = nil
        }
        admitWaiting(now: now, events: &events)
        appendCounters(before, to: &events)
        return (events, stopped)
    }

    /// Lifts a block: the browser's tabs are shown again on their next hello.
    public mutating func unblock(_ key: String) {
        blocks?[key] = nil
        if blocks?.isEmpty == true { blocks = nil }
    }

    /// Blocked keys and when each block ends.
    public var blocked: [String: Int64] { blocks ?? [:] }

    /// Forgets blocks that have ended.
    mutating func purgeBlocks(now: Int64) {
        guard let current = blocks, current.values.contains(where: { $0 <= now }) else { return }
        let left = current.filter { $0.value > now }
        blocks = left.isEmpty ? nil : left
    }
}
