import FoyerCore
import FoyerStore
import Prometheus
import Synchronization

/// One account's live state on this node: its registry, and the dashboards and tracker
/// sockets connected here.
///
/// Changes arrive as ``LiveCommand``s, applied one at a time under one lock: the
/// registry decides, the resulting events are queued for the store and written to every
/// dashboard in the same order, so no dashboard can see events out of order or miss one
/// between its snapshot and the stream that follows. The methods the sockets call only
/// submit commands through the ``LiveHub``: alone, a node applies them at once; in a
/// cluster, every node applies every command in the log's order.
final class LiveAccount: Sendable {
    let id: String
    /// Strong, not unowned: a socket can outlive its server's hub (a tab closing while a
    /// test server stops and another starts) and still report its disconnect here; an
    /// unowned read then crashed the process. The hub holds its accounts too, so the two
    /// live as long as the server's process, which is what a server wants anyway.
    private let hub: LiveHub
    private let metrics: FoyerMetrics
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var registry: AccountRegistry
        /// False until the log's `open` command (cluster) created this account's state.
        var opened: Bool
        var chatsLoaded: Bool
        var dashboards: [ObjectIdentifier: any FeedSubscriber] = [:]
        /// Other nodes with dashboards of this account open (cluster).
        var remoteDashboards: Set<Int64> = []
        /// Trackers that said hello and wait for the outcome.
        var greeting: [ConnectionID: any TrackerConnection] = [:]
        var trackers: [ConnectionID: any TrackerConnection] = [:]
        /// Trackers told tracking is off: connected, sending nothing but heartbeats.
        var dormant: [ConnectionID: any TrackerConnection] = [:]
        var statusCounts: [EntryStatus: Int] = [:]
        var waiting = 0
        /// Active chats as agents see them, kept here so snapshots need no query.
        var chats: [String: ChatSummary] = [:]
    }

    init(id: String, hub: LiveHub, registry: AccountRegistry, opened: Bool = true, chats: [ChatSummary]? = nil) {
        self.id = id
        self.hub = hub
        metrics = hub.metrics
        let counts = registry.statusCounts
        state = Mutex(State(
            registry: registry, opened: opened, chatsLoaded: chats != nil, statusCounts: counts,
            chats: Dictionary(uniqueKeysWithValues: (chats ?? []).map { ($0.id, $0) })))
        for (status, count) in counts { Self.gauge(metrics, status)?.increment(by: Double(count)) }
        metrics.waitingTabs.increment(by: Double(registry.counters.waiting))
        state.withLock { $0.waiting = registry.counters.waiting }
    }

    private var now: Int64 { hub.clock.nowMillis() }

    private func submit(_ command: LiveCommand, startedAtNanos: UInt64 = Monotonic.nanoseconds()) {
        hub.submit(command, account: id, startedAtNanos: startedAtNanos)
    }

    // MARK: Tabs (called by tracker sockets)

    /// A tab said hello; `tracker` hears the outcome once the command is applied.
    func hello(_ hello: TabHello, connection: ConnectionID, tracker: any TrackerConnection, startedAtNanos: UInt64) {
        state.withLock { $0.greeting[connection] = tracker }
        submit(.hello(hello, connection: connection, at: now), startedAtNanos: startedAtNanos)
    }

    func navigate(tab: String, url: String, title: String, startedAtNanos: UInt64) {
        submit(.navigate(tab: tab, url: url, title: title, at: now), startedAtNanos: startedAtNanos)
    }

    func retitle(tab: String, title: String, startedAtNanos: UInt64) {
        submit(.retitle(tab: tab, title: title), startedAtNanos: startedAtNanos)
    }

    func disconnect(tab: String, connection: ConnectionID) {
        state.withLock { state in
            state.greeting[connection] = nil
            state.trackers[connection] = nil
            state.dormant[connection] = nil
        }
        submit(.disconnect(tab: tab, connection: connection, at: now))
    }

    // MARK: Dashboards (called by feed sockets)

    /// Adds a dashboard and sends it the snapshot, atomically with respect to changes.
    func subscribe(_ subscriber: any FeedSubscriber) {
        let first = state.withLock { state in
            state.dashboards[ObjectIdentifier(subscriber)] = subscriber
            subscriber.send(FeedFrames([snapshotMessage(&state)]), startedAtNanos: Monotonic.nanoseconds())
            return state.dashboards.count == 1
        }
        metrics.feedSockets.increment()
        if first, let node = hub.clusterNode { submit(.dashboards(node: node, open: true)) }
    }

    func unsubscribe(_ subscriber: any FeedSubscriber) {
        let (removed, last) = state.withLock { state in
            (state.dashboards.removeValue(forKey: ObjectIdentifier(subscriber)) != nil, state.dashboards.isEmpty)
        }
        guard removed else { return }
        metrics.feedSockets.decrement()
        if last, let node = hub.clusterNode { submit(.dashboards(node: node, open: false)) }
    }

    private func snapshotMessage(_ state: inout State) -> [UInt8] {
        FeedMessage.snapshot(
            tracking: state.registry.trackingEnabled, limit: state.registry.configuration.entryLimit,
            entries: state.registry.shownEntries, counters: state.registry.counters,
            chats: state.chats.values.sorted { $0.startedAt < $1.startedAt }, now: hub.clock.nowMillis()
        ).encoded()
    }

    /// Closes dashboard feeds, on every node: all of them, or one user's or one session's.
    func closeDashboards(code: UInt16, reason: String, _ selector: DashboardSelector) {
        submit(.closeDashboards(code: code, reason: reason, selector))
    }

    // MARK: Settings

    /// Switches tracking. Off: entries are cleared and every tracker is told to collect
    /// nothing (it stays connected, silent). On: those trackers are told to resume and
    /// greet again, so tabs still open reappear without a reload.
    func setTracking(_ enabled: Bool) { submit(.setTracking(enabled)) }

    /// Closes every tracker socket of the account, on every node (site key rotated).
    func stopTrackers(code: UInt16, reason: String) { submit(.stopTrackers(code: code, reason: reason)) }

    // MARK: Chats

    /// The visitor of `tab` is chatting in `chatID` (an archived, hidden tab comes back);
    /// returns once the change is applied here, so the entry can be read.
    func startChat(tab: String, chatID: String) async throws {
        try await hub.submitAndWait(.startChat(tab: tab, chat: chatID, at: now), account: id)
    }

    /// A chat changed (new message, receipts); returns whether any dashboard of the
    /// account is open, on any node, to receive it (a visitor message then counts as delivered).
    @discardableResult
    func chatChanged(_ summary: ChatSummary, messages: [MessageView]) -> Bool {
        let watched = state.withLock { !$0.dashboards.isEmpty || !$0.remoteDashboards.isEmpty }
        submit(.chat(summary, messages: messages))
        return watched
    }

    /// Archives a chat: its entry leaves the map at once and its number is freed.
    func archiveChat(_ chatID: String, tab: String) {
        submit(.archiveChat(chat: chatID, tab: tab, at: now))
    }

    /// Sends a message to every socket of a tab, on whichever node it is connected.
    func sendToTab(_ tab: String, _ message: String) { submit(.toTab(tab: tab, message: message)) }

    /// Chats loaded from the store after the state was created from the log.
    func loadChats(_ chats: [ChatSummary]) {
        state.withLock { state in
            for chat in chats where state.chats[chat.id] == nil { state.chats[chat.id] = chat }
            state.chatsLoaded = true
        }
    }

    var chatsLoaded: Bool { state.withLock { $0.chatsLoaded } }

    // MARK: Reading

    /// The tab's current entry, if shown.
    func entry(tab: String) -> Entry? { state.withLock { $0.registry.entry(tab: tab) } }

    /// Whether the tab already has an entry (so a hello resumes it).
    func hasEntry(tab: String) -> Bool { state.withLock { $0.registry.entry(tab: tab) != nil } }

    /// A copy of the registry, for inspection and snapshots.
    var registry: AccountRegistry { state.withLock { $0.registry } }

    var isOpened: Bool { state.withLock { $0.opened } }

    var remoteDashboardNodes: Set<Int64> { state.withLock { $0.remoteDashboards } }

    var hasLocalDashboards: Bool { state.withLock { !$0.dashboards.isEmpty } }

    // MARK: This node only

    /// Closes every socket here politely (graceful shutdown).
    func closeLocal(code: UInt16, reason: String) {
        let (trackers, dashboards) = state.withLock { state in
            defer {
                state.trackers.removeAll()
                state.dormant.removeAll()
                state.greeting.removeAll()
            }
            return (Array(state.trackers.values) + state.dormant.values + state.greeting.values, Array(state.dashboards.values))
        }
        for tracker in trackers { tracker.stop(code: code, reason: reason, message: nil) }
        for dashboard in dashboards { dashboard.close(code: code, reason: reason) }
    }

    /// Asks every tracker here to greet again (after this node was declared gone or
    /// resynchronised), so the cluster's state holds its sockets again.
    func askTrackersToGreet() {
        let trackers = state.withLock { Array($0.trackers.values) + $0.dormant.values }
        for tracker in trackers { tracker.send(#"{"t":"on"}"#) }
    }

    /// Replaces the state with one from a cluster snapshot; dashboards here get it whole.
    func replace(registry: AccountRegistry?, remoteDashboards: Set<Int64>) {
        state.withLock { state in
            state.registry = registry ?? AccountRegistry(configuration: state.registry.configuration)
            state.opened = registry != nil
            state.remoteDashboards = remoteDashboards
            recount(&state)
            let waiting = state.registry.counters.waiting
            metrics.waitingTabs.increment(by: Double(waiting - state.waiting))
            state.waiting = waiting
            Self.broadcast([snapshotMessage(&state)], to: state, startedAtNanos: Monotonic.nanoseconds())
        }
    }

    // MARK: Applying

    /// Applies one command (every node applies every command of the account, in order).
    func apply(_ command: LiveCommand, position: Int64, startedAtNanos: UInt64) {
        var outgoing: [(any TrackerConnection, String)] = []
        var stopped: [any TrackerConnection] = []
        var closed: [any FeedSubscriber] = []
        var close: (code: UInt16, reason: String) = (1000, "")
        state.withLock { state in
            var events: [RegistryEvent] = []
            switch command {
            case .open(let tracking, let configuration):
                guard !state.opened else { return }
                state.opened = true
                state.registry = AccountRegistry(
                    configuration: configuration ?? state.registry.configuration, trackingEnabled: tracking,
                    seed: IdentifierSequence.seed(account: id, position: position))
            case .hello(let hello, let connection, let at):
                let result = state.registry.connect(hello, connection: connection, now: at)
                events = result.events
                if let tracker = state.greeting.removeValue(forKey: connection) ?? state.trackers[connection] ?? state.dormant[connection] {
                    if result.outcome == .trackingOff {
                        state.trackers[connection] = nil
                        state.dormant[connection] = tracker
                    } else {
                        state.dormant[connection] = nil
                        state.trackers[connection] = tracker
                    }
                    outgoing.append((tracker, Self.reply(result.outcome)))
                }
            case .navigate(let tab, let url, let title, let at):
                events = state.registry.navigate(tab: tab, url: url, title: title, now: at)
            case .retitle(let tab, let title):
                events = state.registry.retitle(tab: tab, title: title)
            case .disconnect(let tab, let connection, let at):
                events = state.registry.disconnect(tab: tab, connection: connection, now: at)
            case .startChat(let tab, let chat, let at):
                events = state.registry.startChat(tab: tab, chatID: chat, now: at)
            case .archiveChat(let chat, let tab, let at):
                state.chats[chat] = nil
                if let entry = state.registry.entry(tab: tab), entry.chatID == chat {
                    events = state.registry.archive(entryID: entry.id, now: at)
                }
                publish(events, state: &state, startedAtNanos: startedAtNanos)
                Self.broadcast([FeedMessage.chatArchived(chat).encoded()], to: state, startedAtNanos: startedAtNanos)
                return
            case .setRules(let rules, let at):
                events = state.registry.setConfiguration(rules, now: at)
            case .setTracking(let enabled):
                let result = state.registry.setTracking(enabled)
                events = result.events
                guard !result.events.isEmpty else { break }
                if enabled {
                    outgoing += state.dormant.values.map { ($0, #"{"t":"on"}"#) }
                    state.dormant.removeAll()
                } else {
                    if hub.persistsEntries { hub.writer.enqueue([.clear(accountID: id)]) }
                    state.dormant.merge(state.trackers) { current, _ in current }
                    state.trackers.removeAll()
                    outgoing += state.dormant.values.map { ($0, #"{"t":"off"}"#) }
                }
            case .chat(let summary, let messages):
                state.chats[summary.id] = summary
                guard !state.dashboards.isEmpty else { return }
                Self.broadcast([FeedMessage.chat(summary).encoded()] + messages.map { FeedMessage.message($0).encoded() }, to: state, startedAtNanos: startedAtNanos)
                return
            case .toTab(let tab, let message):
                outgoing += state.trackers.values.filter { $0.tab == tab }.map { ($0, message) }
                return
            case .stopTrackers(let code, let reason):
                stopped = Array(state.trackers.values) + state.dormant.values + state.greeting.values
                state.trackers.removeAll()
                state.dormant.removeAll()
                state.greeting.removeAll()
                close = (code, reason)
                return
            case .closeDashboards(let code, let reason, let selector):
                closed = state.dashboards.values.filter(selector.matches)
                close = (code, reason)
                return
            case .dashboards(let node, let open):
                guard node != hub.clusterNode else { return }
                if open { state.remoteDashboards.insert(node) } else { state.remoteDashboards.remove(node) }
                return
            case .tick(let at):
                events = state.registry.tick(now: at)
            case .gone(let nodes, let at):
                let gone = Set(nodes)
                state.remoteDashboards.subtract(gone)
                events = state.registry.disconnectAll(where: { gone.contains(Int64($0 >> LiveHub.nodeShift)) }, now: at)
            }
            publish(events, state: &state, startedAtNanos: startedAtNanos)
        }
        for (tracker, message) in outgoing { tracker.send(message) }
        for tracker in stopped { tracker.stop(code: close.code, reason: close.reason, message: nil) }
        for dashboard in closed { dashboard.close(code: close.code, reason: close.reason) }
    }

    private static func reply(_ outcome: ConnectOutcome) -> String {
        switch outcome {
        case .shown, .hidden: #"{"t":"ok"}"#
        case .waiting: #"{"t":"wait"}"#
        // Nothing is recorded; the socket stays open and silent so the tab resumes at
        // once if tracking is switched back on.
        case .trackingOff: #"{"t":"off"}"#
        }
    }

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
        // In a cluster the log and its snapshots hold the live state, not entry rows.
        if hub.persistsEntries { hub.writer.enqueue(changes) }
        guard !state.dashboards.isEmpty else { return }
        Self.broadcast(events.map { FeedMessage.event($0).encoded() }, to: state, startedAtNanos: startedAtNanos)
    }

    /// Sends messages to every dashboard, framed once for all of them.
    private static func broadcast(_ messages: [[UInt8]], to state: borrowing State, startedAtNanos: UInt64) {
        guard !state.dashboards.isEmpty else { return }
        let frames = FeedFrames(messages)
        for dashboard in state.dashboards.values { dashboard.send(frames, startedAtNanos: startedAtNanos) }
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
