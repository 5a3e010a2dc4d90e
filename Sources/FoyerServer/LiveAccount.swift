import FoyerCore
import FoyerStore
import Prometheus
import Synchronization

/// One account's live state: its registry, its open dashboards and tracker sockets.
///
/// Every change runs under one lock: the registry decides, the resulting events are
/// queued for the store and written to every dashboard in the same order, so no
/// dashboard can see events out of order or miss one between its snapshot and the
/// stream that follows.
final class LiveAccount: Sendable {
    let id: String
    private let writer: EntryWriter
    private let clock: any WallClock
    private let metrics: FoyerMetrics
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var registry: AccountRegistry
        var dashboards: [ObjectIdentifier: any FeedSubscriber] = [:]
        var trackers: [ConnectionID: any TrackerConnection] = [:]
        /// Trackers told tracking is off: connected, sending nothing but heartbeats.
        var dormant: [ConnectionID: any TrackerConnection] = [:]
        var statusCounts: [EntryStatus: Int] = [:]
        var waiting = 0
        /// Active chats as agents see them, kept here so snapshots need no query.
        var chats: [String: ChatSummary] = [:]
    }

    init(id: String, registry: AccountRegistry, chats: [ChatSummary] = [], writer: EntryWriter, clock: any WallClock, metrics: FoyerMetrics) {
        self.id = id
        self.writer = writer
        self.clock = clock
        self.metrics = metrics
        let counts = registry.statusCounts
        state = Mutex(State(registry: registry, statusCounts: counts, chats: Dictionary(uniqueKeysWithValues: chats.map { ($0.id, $0) })))
        for (status, count) in counts { Self.gauge(metrics, status)?.increment(by: Double(count)) }
    }

    // MARK: Tabs

    /// A tab said hello. Returns what happened to it.
    func hello(_ hello: TabHello, connection: ConnectionID, tracker: any TrackerConnection, startedAtNanos: UInt64) -> ConnectOutcome {
        state.withLock { state in
            let now = clock.nowMillis()
            let result = state.registry.connect(hello, connection: connection, now: now)
            if result.outcome == .trackingOff {
                state.dormant[connection] = tracker
            } else {
                state.trackers[connection] = tracker
            }
            publish(result.events, state: &state, startedAtNanos: startedAtNanos)
            return result.outcome
        }
    }

    func navigate(tab: String, url: String, title: String, startedAtNanos: UInt64) {
        state.withLock { state in
            let events = state.registry.navigate(tab: tab, url: url, title: title, now: clock.nowMillis())
            publish(events, state: &state, startedAtNanos: startedAtNanos)
        }
    }

    func retitle(tab: String, title: String, startedAtNanos: UInt64) {
        state.withLock { state in
            publish(state.registry.retitle(tab: tab, title: title), state: &state, startedAtNanos: startedAtNanos)
        }
    }

    func disconnect(tab: String, connection: ConnectionID) {
        state.withLock { state in
            state.trackers[connection] = nil
            state.dormant[connection] = nil
            let events = state.registry.disconnect(tab: tab, connection: connection, now: clock.nowMillis())
            publish(events, state: &state, startedAtNanos: Monotonic.nanoseconds())
        }
    }

    /// Applies the passage of time (grace periods, retention, waiting line).
    func tick() {
        state.withLock { state in
            let events = state.registry.tick(now: clock.nowMillis())
            publish(events, state: &state, startedAtNanos: Monotonic.nanoseconds())
        }
    }

    // MARK: Settings

    /// Switches tracking. Off: entries are cleared and every tracker is told to collect
    /// nothing (it stays connected, silent). On: those trackers are told to resume and
    /// greet again, so tabs still open reappear without a reload.
    func setTracking(_ enabled: Bool) {
        let (notified, message) = state.withLock { state -> ([any TrackerConnection], String) in
            let result = state.registry.setTracking(enabled)
            publish(result.events, state: &state, startedAtNanos: Monotonic.nanoseconds())
            if enabled {
                defer { state.dormant.removeAll() }
                return (Array(state.dormant.values), #"{"t":"on"}"#)
            }
            writer.enqueue([.clear(accountID: id)])
            state.dormant.merge(state.trackers) { current, _ in current }
            state.trackers.removeAll()
            return (Array(state.dormant.values), #"{"t":"off"}"#)
        }
        for tracker in notified { tracker.send(message) }
    }

    /// Whether tracking is on (a hello on a dormant tracker starts collecting again).
    var trackingEnabled: Bool { state.withLock { $0.registry.trackingEnabled } }

    /// Closes every tracker socket (site key rotated, or shutdown).
    func stopTrackers(code: UInt16, reason: String) {
        let trackers = state.withLock { state in
            defer {
                state.trackers.removeAll()
                state.dormant.removeAll()
            }
            return Array(state.trackers.values) + Array(state.dormant.values)
        }
        for tracker in trackers { tracker.stop(code: code, reason: reason, message: nil) }
    }

    // MARK: Dashboards

    /// Adds a dashboard and sends it the snapshot, atomically with respect to changes.
    func subscribe(_ subscriber: any FeedSubscriber) {
        state.withLock { state in
            state.dashboards[ObjectIdentifier(subscriber)] = subscriber
            let snapshot = FeedMessage.snapshot(
                tracking: state.registry.trackingEnabled, limit: state.registry.configuration.entryLimit,
                entries: state.registry.shownEntries, counters: state.registry.counters,
                chats: state.chats.values.sorted { $0.startedAt < $1.startedAt }, now: clock.nowMillis())
            subscriber.send([snapshot.encoded()], startedAtNanos: Monotonic.nanoseconds())
        }
        metrics.feedSockets.increment()
    }

    func unsubscribe(_ subscriber: any FeedSubscriber) {
        let removed = state.withLock { $0.dashboards.removeValue(forKey: ObjectIdentifier(subscriber)) != nil }
        if removed { metrics.feedSockets.decrement() }
    }

    /// Closes dashboard feeds: all of them, or those of one user or one session.
    func closeDashboards(code: UInt16, reason: String, where matches: (any FeedSubscriber) -> Bool = { _ in true }) {
        let dashboards = state.withLock { Array($0.dashboards.values.filter(matches)) }
        for dashboard in dashboards { dashboard.close(code: code, reason: reason) }
    }

    // MARK: Chats

    /// The visitor of `tab` is chatting in `chatID` (an archived, hidden tab comes back).
    func startChat(tab: String, chatID: String) {
        state.withLock { state in
            let events = state.registry.startChat(tab: tab, chatID: chatID, now: clock.nowMillis())
            publish(events, state: &state, startedAtNanos: Monotonic.nanoseconds())
        }
    }

    /// A chat changed (new message, receipts); returns whether any dashboard is open to
    /// receive it (a visitor message then counts as delivered).
    @discardableResult
    func chatChanged(_ summary: ChatSummary, messages: [MessageView]) -> Bool {
        state.withLock { state in
            state.chats[summary.id] = summary
            guard !state.dashboards.isEmpty else { return false }
            let encoded = [FeedMessage.chat(summary).encoded()] + messages.map { FeedMessage.message($0).encoded() }
            let started = Monotonic.nanoseconds()
            for dashboard in state.dashboards.values { dashboard.send(encoded, startedAtNanos: started) }
            return true
        }
    }

    /// Archives a chat: its entry leaves the map at once and its number is freed.
    func archiveChat(_ chatID: String, tab: String) {
        state.withLock { state in
            state.chats[chatID] = nil
            var events: [RegistryEvent] = []
            if let entry = state.registry.entry(tab: tab), entry.chatID == chatID {
                events = state.registry.archive(entryID: entry.id, now: clock.nowMillis())
            }
            publish(events, state: &state, startedAtNanos: Monotonic.nanoseconds())
            let message = FeedMessage.chatArchived(chatID).encoded()
            for dashboard in state.dashboards.values { dashboard.send([message], startedAtNanos: Monotonic.nanoseconds()) }
        }
    }

    /// The tab's current entry, if shown.
    func entry(tab: String) -> Entry? { state.withLock { $0.registry.entry(tab: tab) } }

    /// Sends a message to every socket of a tab (a tab may briefly have two).
    func sendToTab(_ tab: String, _ message: String) {
        let links = state.withLock { state in state.trackers.values.filter { $0.tab == tab } }
        for link in links { link.send(message) }
    }

    /// Whether the tab already has an entry (so a hello resumes it).
    func hasEntry(tab: String) -> Bool { state.withLock { $0.registry.entry(tab: tab) != nil } }

    /// A copy of the registry, for inspection.
    var registry: AccountRegistry { state.withLock { $0.registry } }

    // MARK: Publishing

    private func publish(_ events: [RegistryEvent], state: inout State, startedAtNanos: UInt64) {
        guard !events.isEmpty else { return }
        var changes: [EntryChange] = []
        changes.reserveCapacity(events.count)
        for event in events {
            switch event {
            case .added(let entry):
                changes.append(.save(accountID: id, entry: entry))
            case .changed(let entry):
                changes.append(.save(accountID: id, entry: entry))
            case .removed(let entryID, _):
                changes.append(.delete(accountID: id, entryID: entryID))
            case .counters(let counters):
                // The gauge sums every account, so move it by this account's change.
                metrics.waitingTabs.increment(by: Double(counters.waiting - state.waiting))
                state.waiting = counters.waiting
            case .tracking:
                break
            }
        }
        recount(&state)
        writer.enqueue(changes)
        guard !state.dashboards.isEmpty else { return }
        let messages = events.map { FeedMessage.event($0).encoded() }
        for dashboard in state.dashboards.values { dashboard.send(messages, startedAtNanos: startedAtNanos) }
    }

    /// Keeps the per-status gauges equal to the registry's counts.
    private func recount(_ state: inout State) {
        let counts = state.registry.statusCounts
        for status in EntryStatus.allCases {
            let delta = (counts[status] ?? 0) - (state.statusCounts[status] ?? 0)
            if delta != 0 { Self.gauge(metrics, status)?.increment(by: Double(delta)) }
        }
        state.statusCounts = counts
    }

    private static func gauge(_ metrics: FoyerMetrics, _ status: EntryStatus) -> Prometheus.Gauge? {
        switch status {
        case .online: metrics.entriesOnline
        case .chatting: metrics.entriesChatting
        case .offline: metrics.entriesOffline
        }
    }
}
