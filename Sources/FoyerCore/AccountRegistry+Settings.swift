/// The account's switches and rules: tracking on or off, the entry limit and grace.
extension AccountRegistry {
    /// Switches tracking. Switching it off clears every entry and the waiting line.
    /// Returns the events and the tabs whose connections must be told to stop.
    public mutating func setTracking(_ enabled: Bool) -> (events: [RegistryEvent], stoppedTabs: [String]) {
        guard enabled != trackingEnabled else { return ([], []) }
        trackingEnabled = enabled
        var events: [RegistryEvent] = [.tracking(enabled: enabled)]
        guard !enabled else { return (events, []) }
        let before = counters
        let stopped = entries.values.map(\.tab) + waiting.map(\.hello.tab) + dismissed.keys
        for entry in entries.values.sorted(by: { $0.number < $1.number }) {
            remove(entry.id, reason: .cleared, events: &events)
        }
        placesByKey = nil
        pendingInvitations = nil
        waiting.removeAll()
        dismissed.removeAll()
        appendCounters(before, to: &events)
        return (events, stopped)
    }

    /// Replaces the rules. Entries already shown stay (a lower limit only stops
    /// admissions); a higher limit lets waiting tabs in at once.
    public mutating func setConfiguration(_ rules: RegistryConfiguration, now: Int64) -> [RegistryEvent] {
        configuration = rules
        configuration.entryLimit = max(1, rules.entryLimit)
        configuration.historyLimit = max(1, rules.historyLimit)
        configuration.historyByteLimit = max(1, rules.historyByteLimit)
        let before = counters
        var events: [RegistryEvent] = []
        admitWaiting(now: now, events: &events)
        appendCounters(before, to: &events)
        return events
    }
}
