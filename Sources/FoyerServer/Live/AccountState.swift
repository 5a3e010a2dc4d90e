import FoyerCore
import FoyerStore
import Prometheus
import Synchronization

/// One account's live state as applied on this node: its registry, and the dashboards
/// and tracker sockets connected here.
///
/// Commands are applied one at a time under one lock: the registry decides, the
/// resulting events are queued for the store and written to every dashboard in the same
/// order, so no dashboard can see events out of order or miss one between its snapshot
/// and the stream that follows. Nothing here submits commands: sockets go through
/// ``LiveAccount``, which hands commands to the node's ``LiveCommandSink``; the sink
/// applies them here (alone at once, in a cluster in the log's order).
final class AccountState: Sendable {
    let id: String
    private let environment: LiveEnvironment
    private let metrics: FoyerMetrics
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var registry: AccountRegistry
        /// False until the log's `open` command (cluster) created this account's state.
        var opened: Bool
        var chatsLoaded: Bool
        var dashboards: [ObjectIdentifier: any FeedSubscriber] = [:]
        /// How many of `dashboards` show visitors (``FeedSubscriber/watches``).
        var watchers = 0
        /// Other nodes with dashboards showing visitors of this account open (cluster).
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
        /// Grows with every applied command that may have changed the registry (a tick
        /// only when it had an outcome), so an owner snapshots only accounts that changed.
        var revision: UInt64 = 0
    }

    init(id: String, environment: LiveEnvironment, registry: AccountRegistry, opened: Bool = true, chats: [ChatSummary]? = nil) {
        self.id = id
        self.environment = environment
        metrics = environment.metrics
        let counts = registry.statusCounts
        state = Mutex(State(
            registry: registry, opened: opened, chatsLoaded: chats != nil, statusCounts: counts,
            chats: Dictionary(uniqueKeysWithValues: (chats ?? []).map { ($0.id, $0) })))
        for (status, count) in counts { Self.gauge(metrics, status)?.increment(by: Double(count)) }
        metrics.waitingTabs.increment(by: Double(registry.counters.waiting))
        state.withLock { $0.waiting = registry.counters.waiting }
    }

    // MARK: Sockets on this node

    /// A tab said hello on this node; `tracker` hears the outcome once the hello is applied.
    func addGreeting(_ tracker: any TrackerConnection, connection: ConnectionID) {
        state.withLock { $0.greeting[connection] = tracker }
    }

    /// A tracker socket here closed.
    func removeTracker(connection: ConnectionID) {
        state.withLock { state in
            state.greeting[connection] = nil
            state.trackers[connection] = nil
            state.dormant[connection] = nil
        }
    }

    /// Adds a dashboard and sends it the snapshot, atomically with respect to changes;
    /// returns whether it is this node's first dashboard of the account showing visitors.
    func addDashboard(_ subscriber: any FeedSubscriber) -> Bool {
        let first = state.withLock { state in
            state.dashboards[ObjectIdentifier(subscriber)] = subscriber
            subscriber.send(FeedFrames([snapshotMessage(&state)]), startedAtNanos: Monotonic.nanoseconds())
            guard subscriber.watches else { return false }
            state.watchers += 1
            return state.watchers == 1
        }
        metrics.feedSockets.increment()
        return first
    }

    /// Removes a dashboard; returns whether it was here, and whether it was the last one
    /// showing visitors.
    func removeDashboard(_ subscriber: any FeedSubscriber) -> (removed: Bool, last: Bool) {
        let result = state.withLock { state in
            guard state.dashboards.removeValue(forKey: ObjectIdentifier(subscriber)) != nil else { return (false, false) }
            guard subscriber.watches else { return (true, false) }
            state.watchers -= 1
            return (true, state.watchers == 0)
        }
        if result.0 { metrics.feedSockets.decrement() }
        return result
    }

    private func snapshotMessage(_ state: inout State) -> [UInt8] {
        FeedMessage.snapshot(
            tracking: state.registry.trackingEnabled, limit: state.registry.configuration.entryLimit,
            entries: state.registry.shownEntries, counters: state.registry.counters,
            chats: state.chats.values.sorted { $0.startedAt < $1.startedAt }, now: environment.clock.nowMillis()
        ).encoded()
    }

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

    /// A shown entry by its id.
    func entry(id: String) -> Entry? { state.withLock { $0.registry.entry(id: id) } }

    /// Whether a tab, or its browser, is blocked at `now`.
    func isBlocked(tab: String, browser: String?, now: Int64) -> Bool {
        state.withLock { state in
            state.registry.isBlocked(tab, now: now) || browser.map { state.registry.isBlocked($0, now: now) } == true
        }
    }

    /// Whether the tab already has an entry (so a hello resumes it).
    func hasEntry(tab: String) -> Bool { state.withLock { $0.registry.entry(tab: tab) != nil } }

    /// A copy of the registry, for inspection and snapshots.
    var registry: AccountRegistry { state.withLock { $0.registry } }

    /// Whether tracking is on, as this node applied it (the directory's copy of the
    /// account may lag behind on other nodes of a cluster).
    var trackingEnabled: Bool { state.withLock { $0.registry.trackingEnabled } }

    var isOpened: Bool { state.withLock { $0.opened } }

    /// Whether the account's state is ready for sockets here without any I/O.
    var isReady: Bool { state.withLock { $0.opened && $0.chatsLoaded } }

    var remoteDashboardNodes: Set<Int64> { state.withLock { $0.remoteDashboards } }

    /// The registry, the nodes showing dashboards (`node` counted when one is open here)
    /// and the revision, read together.
    func snapshotPiece(node: Int64?) -> (registry: AccountRegistry, dashboards: Set<Int64>, revision: UInt64) {
        state.withLock { state in
            var nodes = state.remoteDashboards
            if let node, state.watchers > 0 { nodes.insert(node) }
            return (state.registry, nodes, state.revision)
        }
    }

    /// Whether a dashboard showing visitors is open here.
    var hasLocalDashboards: Bool { state.withLock { $0.watchers > 0 } }

    /// Whether any dashboard of the account is open, on any node.
    var isWatched: Bool { state.withLock { !$0.dashboards.isEmpty || !$0.remoteDashboards.isEmpty } }

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
            state.revision &+= 1
            state.remoteDashboards = remoteDashboards
            recount(&state)
            let waiting = state.registry.counters.waiting
            metrics.waitingTabs.increment(by: Double(waiting - state.waiting))
            state.waiting = waiting
            Self.broadcast([snapshotMessage(&state)], to: state, startedAtNanos: Monotonic.nanoseconds())
        }
    }

    // MARK: Applying

    /// Applies one command (in a cluster every node that holds the account applies every
    /// command of it, in the log's order).
    func apply(_ command: LiveCommand, position: Int64, startedAtNanos: UInt64) {
        var outgoing: [(any TrackerConnection, String)] = []
        var stopped: [any TrackerConnection] = []
        var closed: [any FeedSubscriber] = []
        var close: (code: UInt16, reason: String) = (1000, "")
        state.withLock { state in
            var events: [RegistryEvent] = []
            if case .tick = command {} else { state.revision &+= 1 }
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
                    if result.outcome == .trackingOff || result.outcome == .blocked {
                        state.trackers[connection] = nil
                        state.dormant[connection] = tracker
                    } else {
                        state.dormant[connection] = nil
                        state.trackers[connection] = tracker
                    }
                    outgoing.append((tracker, reply(result.outcome, remembersBrowsers: tracker.remembers)))
                    // A reload or navigation while invited: the new page shows it again.
                    if case .shown = result.outcome, let invitation = state.registry.pendingInvitation(tab: hello.tab) {
                        outgoing.append((tracker, InvitationFrames.invite(invitation)))
                    }
                }
                var touched: [String] = []
                if case .shown(let entryID, true) = result.outcome { touched.append(entryID) }
                events += state.registry.runTriggers(after: events, touched: touched, now: at)
            case .navigate(let tab, let url, let title, let at):
                events = state.registry.navigate(tab: tab, url: url, title: title, now: at)
                events += state.registry.runTriggers(after: events, now: at)
            case .retitle(let tab, let title):
                events = state.registry.retitle(tab: tab, title: title)
            case .disconnect(let tab, let connection, let at):
                events = state.registry.disconnect(tab: tab, connection: connection, now: at)
            case .startChat(let tab, let chat, let at):
                events = state.registry.startChat(tab: tab, chatID: chat, now: at)
                events += state.registry.runTriggers(after: events, now: at)
            case .archiveChat(let chat, let tab, let at):
                state.chats[chat] = nil
                if let entry = state.registry.entry(tab: tab), entry.chatID == chat {
                    events = state.registry.archive(entryID: entry.id, now: at)
                }
                publish(events, state: &state, startedAtNanos: startedAtNanos)
                Self.broadcast([FeedMessage.chatArchived(chat).encoded()], to: state, startedAtNanos: startedAtNanos)
                return
            case .activity(let tab, let inactive, let at):
                events = state.registry.activity(tab: tab, inactive: inactive, now: at)
            case .block(let browser, let until, let at):
                let result = state.registry.block(browser, until: until, now: at)
                events = result.events
                let tabs = Set(result.stoppedTabs)
                for (connection, tracker) in state.trackers where tabs.contains(tracker.tab) {
                    state.trackers[connection] = nil
                    state.dormant[connection] = tracker
                    outgoing.append((tracker, #"{"t":"off"}"#))
                }
            case .unblock(let browser):
                state.registry.unblock(browser)
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
                    environment.writer?.enqueue([.clear(accountID: id)])
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
            case .settingsChanged:
                environment.directory?.reload(accountID: id)
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
                state.registry.dashboards(node: node, open: open)
                guard node != environment.connections.node ?? 0 else { return }
                if open { state.remoteDashboards.insert(node) } else { state.remoteDashboards.remove(node) }
                return
            case .setTriggers(let triggers):
                state.registry.setTriggers(triggers)
                return
            case .invite(let entryID, let invitation, let at):
                events = (try? state.registry.invite(entryID: entryID, invitation: invitation, now: at).get()) ?? []
            case .invitation(let tab, let invitationID, let invitationState, let at):
                events = state.registry.updateInvitation(tab: tab, id: invitationID, state: invitationState, now: at)
            case .identify(let tab, let identity, let at):
                events = state.registry.identify(tab: tab, identity: identity, now: at)
            case .setAttributes(let tab, let attributes, let at):
                events = state.registry.setAttributes(tab: tab, attributes, now: at)
            case .track(let tab, let event, let at):
                events = state.registry.track(tab: tab, event: event, now: at)
            case .browser(let tab, let browser, let visits, let at):
                events = state.registry.recordVisits(tab: tab, browser: browser, visits: visits, now: at)
            case .tick(let at):
                events = state.registry.tick(now: at)
                events += state.registry.runTriggers(after: events, now: at)
                if !events.isEmpty { state.revision &+= 1 }
            case .gone(let nodes, let at):
                let gone = Set(nodes)
                state.remoteDashboards.subtract(gone)
                state.registry.forgetDashboards(of: gone)
                events = state.registry.disconnectAll(where: { gone.contains(ConnectionIDs.node(of: $0)) }, now: at)
            }
            publish(events, state: &state, startedAtNanos: startedAtNanos)
            outgoing += Self.invitationFrames(events, state: state)
            environment.triggerCounter?.count(events, accountID: id)
        }
        for (tracker, message) in outgoing { tracker.send(message) }
        for tracker in stopped { tracker.stop(code: close.code, reason: close.reason, message: nil) }
        for dashboard in closed { dashboard.close(code: close.code, reason: close.reason) }
    }

    /// What the tab sockets here must hear about invitations that began or ended.
    private static func invitationFrames(_ events: [RegistryEvent], state: borrowing State) -> [(any TrackerConnection, String)] {
        var out: [(any TrackerConnection, String)] = []
        for case .changed(let update) in events {
            guard update.entry.invitation != update.previous.invitation,
                let frame = InvitationFrames.forChange(from: update.previous.invitation, to: update.entry.invitation)
            else { continue }
            let tab = update.entry.tab
            out += state.trackers.values.filter { $0.tab == tab }.map { ($0, frame) }
        }
        return out
    }

    /// The answer to a hello. `ok` and `wait` tell the tracker when to report the tab
    /// idle and whether to remember the browser.
    private func reply(_ outcome: ConnectOutcome, remembersBrowsers: Bool) -> String {
        switch outcome {
        case .shown, .hidden: #"{"t":"ok","idle":\#(environment.idleAfterMillis),"r":\#(remembersBrowsers ? 1 : 0)}"#
        case .waiting: #"{"t":"wait","idle":\#(environment.idleAfterMillis),"r":\#(remembersBrowsers ? 1 : 0)}"#
        // Nothing is recorded; the socket stays open and silent so the tab resumes at
        // once if tracking is switched back on.
        case .trackingOff: #"{"t":"off"}"#
        // A blocked browser's tab is treated like tracking off: silent, heartbeats only.
        case .blocked: #"{"t":"off"}"#
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
            case .changed(let update):
                changes.append(.save(accountID: id, entry: update.entry))
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
        environment.writer?.enqueue(changes)
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
        case .idle: metrics.entriesIdle
        case .offline: metrics.entriesOffline
        }
    }
}
