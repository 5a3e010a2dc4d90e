/// The live visitor state of one account: a pure state machine.
///
/// Every operation takes the current time and returns the ``RegistryEvent``s that
/// dashboards must see, in order. Nothing here does I/O; the server persists the events
/// and fans them out. The rules are SPEC section 2: one entry per tab, smallest free
/// `Visitor N`, a disconnect grace, 30-minute retention, the returning rule and the limit
/// with an arrival-ordered waiting line.
///
/// People who are there come before history: when the account is full, the oldest
/// Offline entry gives its place to the first waiting connected tab (removed with reason
/// ``RemovalReason/madeRoom``), and tabs from one client address (``TabHello/clientKey``)
/// hold at most ``RegistryConfiguration/placesPerAddress`` places; an address at its
/// share makes room from its own Offline entries only. Retention applies whenever there
/// is room.
///
/// It is deterministic: two copies with the same seed given the same operations end in
/// the same state with the same entry ids, and it is `Codable` whole (connections,
/// waiting line and all), which is how the nodes of a cluster keep one state.
public struct AccountRegistry: Sendable, Codable {
    public internal(set) var configuration: RegistryConfiguration
    public internal(set) var trackingEnabled: Bool

    var entries = EntryTable()
    /// Entries per status, kept as entries change so counters cost O(1) per event.
    var tally: [EntryStatus: Int] = [:]
    /// When each Offline entry left, so the once-a-second expiry looks at Offline entries
    /// only instead of copying every entry.
    var offlineSince: [String: Int64] = [:]
    /// Entries in their disconnect grace (no connection, not yet Offline), for the same reason.
    var inGrace: Set<String> = []
    var entryIDByTab: [String: String] = [:]
    var live: [String: LiveState] = [:]
    private var numbers = NumberPool()
    var waiting: [WaitingTab] = []
    /// Tabs whose chat was archived: hidden until they chat again or stay gone for the
    /// retention period, so an archived visitor does not pop back on the next click.
    var dismissed: [String: DismissedTab] = [:]
    private var identifiers: IdentifierSequence

    /// Places held per client key (``TabHello/clientKey``), for the fair share.
    /// Optional so a state saved before keys existed (which had none) still decodes.
    var placesByKey: [String: Int]?
    /// When each pending invitation was sent, by entry id, so expiry looks at pending
    /// invitations only (``put(_:)`` keeps it). Optional so older saved states decode.
    var pendingInvitations: [String: Int64]?

    /// The account's triggers in order (``setTriggers(_:)``); nil or empty: none.
    var triggers: [Trigger]?
    /// Each trigger's **Page URL contains** prepared for matching, in the same order.
    var triggerPatterns: TriggerPatternTable?
    /// Nodes with a Visitors or Chats page of the account open; triggers stay quiet while
    /// there are none. Changed only by commands, so every node agrees.
    var watchingNodes: Set<Int64>?
    /// Entries to evaluate again at (or after) a time: a **Seconds on page** wait, or at
    /// once after the triggers or the watchers changed. Entries absent wait for a change.
    var triggerDue: [String: Int64]?

    /// Blocked browser keys (``Entry/browser``, or a tab key for a tab without one) and
    /// when each block ends. Optional so a state saved before blocks existed still decodes.
    var blocks: [String: Int64]?

    /// Socket-level state of a shown entry; never persisted.
    ///
    /// A tab nearly always has one connection: it is kept inline, and an array only holds
    /// any more (an array per entry cost a 48-byte allocation). Encoded as before.
    struct LiveState: Sendable, Codable {
        /// The client key of the tab that created the entry; it holds the place.
        var clientKey: String?
        /// Connections after the first.
        private var more: [ConnectionID] = []
        private var first: ConnectionID = 0
        /// Set when the last connection closed; the grace runs from here.
        var disconnectedAt: Int64?
        private var hasFirst = false

        init(connections: [ConnectionID] = [], disconnectedAt: Int64? = nil, clientKey: String? = nil) {
            self.clientKey = clientKey
            self.disconnectedAt = disconnectedAt
            self.connections = connections
        }

        /// Whether any connection is held (without making the array).
        var isConnected: Bool { hasFirst }

        func holds(_ connection: ConnectionID) -> Bool { hasFirst && (first == connection || more.contains(connection)) }

        var connections: [ConnectionID] {
            get {
                guard hasFirst else { return [] }
                var all = [first]
                all += more
                return all
            }
            set {
                hasFirst = !newValue.isEmpty
                first = newValue.first ?? 0
                more = newValue.count > 1 ? Array(newValue.dropFirst()) : []
            }
        }

        private enum CodingKeys: String, CodingKey { case connections, disconnectedAt, clientKey }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                connections: try container.decode([ConnectionID].self, forKey: .connections),
                disconnectedAt: try container.decodeIfPresent(Int64.self, forKey: .disconnectedAt),
                clientKey: try container.decodeIfPresent(String.self, forKey: .clientKey))
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(connections, forKey: .connections)
            try container.encodeIfPresent(disconnectedAt, forKey: .disconnectedAt)
            try container.encodeIfPresent(clientKey, forKey: .clientKey)
        }
    }

    struct WaitingTab: Sendable, Codable {
        var hello: TabHello
        var connections: [ConnectionID]
        var arrivedAt: Int64
        var chatID: String?
        /// What the site's script said of the visitor while the tab waited
        /// (`identify`, `set`, `track`), and since when it reports itself inactive: the
        /// entry starts with them when the tab is let in.
        var profile: VisitorProfile? = nil
        var events: [TrackedEvent]? = nil
        var inactiveSince: Int64? = nil
    }

    struct DismissedTab: Sendable, Codable {
        var hello: TabHello
        var connections: [ConnectionID]
        var goneAt: Int64?
    }

    /// - Parameter seed: where entry ids start; copies that must agree share it.
    public init(configuration: RegistryConfiguration = .init(), trackingEnabled: Bool = true, seed: UInt64 = IdentifierSequence.randomSeed()) {
        self.configuration = configuration
        self.trackingEnabled = trackingEnabled
        identifiers = IdentifierSequence(seed: seed)
    }

    // MARK: Restoring

    /// Loads persisted entries after a restart. Entries that were connected start their
    /// disconnect grace now, so tabs that reconnect in time resume without flashing Offline.
    public mutating func restore(_ saved: [Entry], now: Int64) {
        for entry in saved where entryIDByTab[entry.tab] == nil {
            put(entry)
            entryIDByTab[entry.tab] = entry.id
            live[entry.id] = LiveState(connections: [], disconnectedAt: entry.status == .offline ? nil : now)
            if entry.status != .offline { inGrace.insert(entry.id) }
        }
        numbers = NumberPool(inUse: entries.values.map(\.number))
    }

    // MARK: Tabs

    /// A tab said hello on a new connection.
    public mutating func connect(
        _ hello: TabHello, connection: ConnectionID, now: Int64
    ) -> (outcome: ConnectOutcome, events: [RegistryEvent]) {
        guard trackingEnabled else { return (.trackingOff, []) }
        if isBlocked(hello, now: now) { return (.blocked, []) }
        let before = counters
        var events: [RegistryEvent] = []
        let outcome: ConnectOutcome
        if let id = entryIDByTab[hello.tab], var entry = entries[id] {
            // A tab greets again on the same socket when asked to (a node resynchronising);
            // a new socket is a page that just loaded, active until its tracker says otherwise.
            let newSocket = live[id]?.holds(connection) != true
            if newSocket {
                live[id, default: LiveState()].connections.append(connection)
            }
            live[id]?.disconnectedAt = nil
            // An entry restored after a restart has no client key (keys are never stored):
            // the first connection that resumes it gives it one while the address is within
            // its share, so its place counts again (also once archived and back). Beyond the
            // share it stays uncounted: it is shown already, and taking it away would flash it.
            if live[id]?.clientKey == nil, let key = hello.clientKey, places(of: key) < configuration.placesPerAddress {
                live[id]?.clientKey = key
                if placesByKey == nil { placesByKey = [:] }
                placesByKey![key, default: 0] += 1
            }
            inGrace.remove(id)
            // Not a feed field: kept without a change of its own.
            if entry.browser == nil, let browser = hello.browser { entry.browser = browser }
            let previous = entry
            if newSocket { entry.inactiveSince = nil }
            if entry.status == .offline { entry.leftAt = nil }
            entry.status = Self.status(of: entry, connected: true)
            if entry.url != hello.url {
                visit(&entry, url: hello.url, title: hello.title, now: now)
            } else if entry.title != hello.title {
                retitle(&entry, title: hello.title)
            }
            if entry != previous {
                put(entry)
                events.append(.changed(EntryUpdate(entry: entry, previous: previous)))
            }
            outcome = .shown(entryID: id, resumed: true)
        } else if let index = waiting.firstIndex(where: { $0.hello.tab == hello.tab }) {
            waiting[index].hello = hello
            if !waiting[index].connections.contains(connection) { waiting[index].connections.append(connection) }
            outcome = .waiting
        } else if dismissed[hello.tab] != nil {
            dismissed[hello.tab]?.hello = hello
            if dismissed[hello.tab]?.connections.contains(connection) != true { dismissed[hello.tab]?.connections.append(connection) }
            dismissed[hello.tab]?.goneAt = nil
            outcome = .hidden
        } else if makeRoom(for: hello.clientKey, now: now, events: &events) {
            let entry = create(hello, connection: connection, arrivedAt: now, now: now)
            events.append(.added(entry))
            outcome = .shown(entryID: entry.id, resumed: false)
        } else {
            waiting.append(WaitingTab(hello: hello, connections: [connection], arrivedAt: now))
            outcome = .waiting
        }
        appendCounters(before, to: &events)
        return (outcome, events)
    }

    /// The tab now shows another page (link, reload, single-page-app route).
    public mutating func navigate(tab: String, url: String, title: String, now: Int64) -> [RegistryEvent] {
        if let index = waiting.firstIndex(where: { $0.hello.tab == tab }) {
            waiting[index].hello.url = url
            waiting[index].hello.title = title
            return []
        }
        if dismissed[tab] != nil {
            dismissed[tab]?.hello.url = url
            dismissed[tab]?.hello.title = title
            return []
        }
        guard let id = entryIDByTab[tab], var entry = entries[id] else { return [] }
        let previous = entry
        if entry.url == url {
            guard entry.title != title else { return [] }
            retitle(&entry, title: title)
        } else {
            visit(&entry, url: url, title: title, now: now)
        }
        put(entry)
        return [.changed(EntryUpdate(entry: entry, previous: previous))]
    }

    /// The current page's title changed.
    public mutating func retitle(tab: String, title: String) -> [RegistryEvent] {
        if let index = waiting.firstIndex(where: { $0.hello.tab == tab }) {
            waiting[index].hello.title = title
            return []
        }
        if dismissed[tab] != nil {
            dismissed[tab]?.hello.title = title
            return []
        }
        guard let id = entryIDByTab[tab], var entry = entries[id], entry.title != title else { return [] }
        let previous = entry
        retitle(&entry, title: title)
        put(entry)
        return [.changed(EntryUpdate(entry: entry, previous: previous))]
    }

    /// A connection closed. The entry keeps its status during the grace period.
    public mutating func disconnect(tab: String, connection: ConnectionID, now: Int64) -> [RegistryEvent] {
        if let index = waiting.firstIndex(where: { $0.hello.tab == tab }) {
            waiting[index].connections.removeAll { $0 == connection }
            guard waiting[index].connections.isEmpty else { return [] }
            let before = counters
            waiting.remove(at: index)
            var events: [RegistryEvent] = []
            appendCounters(before, to: &events)
            return events
        }
        if var hidden = dismissed[tab] {
            hidden.connections.removeAll { $0 == connection }
            if hidden.connections.isEmpty && hidden.goneAt == nil { hidden.goneAt = now }
            dismissed[tab] = hidden
            return []
        }
        guard let id = entryIDByTab[tab], var state = live[id] else { return [] }
        state.connections.removeAll { $0 == connection }
        if state.connections.isEmpty && state.disconnectedAt == nil && entries[id]?.status != .offline {
            state.disconnectedAt = now
            inGrace.insert(id)
        }
        live[id] = state
        return []
    }

    /// Closes every connection `matches` picks (all sockets of a node that died), as if
    /// each had disconnected at `now`.
    public mutating func disconnectAll(where matches: (ConnectionID) -> Bool, now: Int64) -> [RegistryEvent] {
        var closed: [(tab: String, connection: ConnectionID)] = []
        for (id, state) in live {
            guard let tab = entries[id]?.tab else { continue }
            for connection in state.connections where matches(connection) { closed.append((tab, connection)) }
        }
        for tab in waiting {
            for connection in tab.connections where matches(connection) { closed.append((tab.hello.tab, connection)) }
        }
        for (tab, hidden) in dismissed {
            for connection in hidden.connections where matches(connection) { closed.append((tab, connection)) }
        }
        return closed.flatMap { disconnect(tab: $0.tab, connection: $0.connection, now: now) }
    }

    /// Every connection held, for finding those of nodes that are gone.
    public var connections: [ConnectionID] {
        live.values.flatMap(\.connections) + waiting.flatMap(\.connections) + dismissed.values.flatMap(\.connections)
    }

    /// Applies the passage of time: grace periods that ran out turn entries Offline,
    /// retention that ran out removes them and lets waiting tabs in.
    public mutating func tick(now: Int64) -> [RegistryEvent] {
        let before = counters
        var events: [RegistryEvent] = []
        let graceOver = inGrace.compactMap { id -> (Int, String)? in
            guard let state = live[id], !state.isConnected, let gone = state.disconnectedAt,
                now - gone >= configuration.disconnectGraceMillis, let number = entries[id]?.number
            else { return nil }
            return (number, id)
        }
        for (_, id) in graceOver.sorted(by: { $0.0 < $1.0 }) {
            guard var entry = entries[id], let gone = live[id]?.disconnectedAt else { continue }
            let previous = entry
            entry.status = .offline
            entry.leftAt = gone
            // The tab left: its invitation can no longer be answered.
            endInvitation(of: &entry, as: .expired, now: now)
            entry.inactiveSince = nil
            put(entry)
            live[id]?.disconnectedAt = nil
            inGrace.remove(id)
            events.append(.changed(EntryUpdate(entry: entry, previous: previous)))
        }
        let expired = offlineSince.compactMap { id, leftAt in
            now - leftAt >= configuration.retentionMillis ? entries[id].map { ($0.number, id) } : nil
        }
        for (_, id) in expired.sorted(by: { $0.0 < $1.0 }) {
            remove(id, reason: .expired, events: &events)
        }
        dismissed = dismissed.filter { _, hidden in
            hidden.goneAt.map { now - $0 < configuration.retentionMillis } ?? true
        }
        expireInvitations(now: now, events: &events)
        purgeBlocks(now: now)
        admitWaiting(now: now, events: &events)
        appendCounters(before, to: &events)
        return events
    }

    // MARK: Internals

    /// Inserts or replaces an entry, keeping the status tally and the pending
    /// invitations right.
    mutating func put(_ entry: Entry) {
        if let old = entries[entry.id] { tally[old.status, default: 0] -= 1 }
        tally[entry.status, default: 0] += 1
        offlineSince[entry.id] = entry.status == .offline ? entry.leftAt : nil
        if let invitation = entry.invitation, invitation.isPending {
            pendingInvitations = pendingInvitations ?? [:]
            pendingInvitations![entry.id] = invitation.sentAt
        } else if pendingInvitations?[entry.id] != nil {
            pendingInvitations![entry.id] = nil
        }
        entries.put(entry)
    }

    mutating func create(_ hello: TabHello, connection: ConnectionID, arrivedAt: Int64, now: Int64) -> Entry {
        let returning = hello.browserFirstSeen.map { arrivedAt - $0 > configuration.returningAfterMillis } ?? false
        let entry = Entry(
            id: identifiers.next(prefix: "e_", millis: arrivedAt), tab: hello.tab, number: numbers.take(), status: .online,
            connectedAt: arrivedAt, pageSince: now, url: hello.url, title: hello.title,
            referrer: hello.referrer, language: hello.language, timezone: hello.timezone,
            returning: returning, location: hello.location,
            pages: [PageView(url: hello.url, title: hello.title, at: now)], pageCount: 1,
            device: hello.device, visits: hello.visits, campaign: hello.campaign,
            browser: hello.browser
        )
        put(entry)
        entryIDByTab[entry.tab] = entry.id
        var clientKey = hello.clientKey
        if let key = clientKey {
            if placesByKey == nil { placesByKey = [:] }
            placesByKey![key, default: 0] += 1
            // The same key's string as the table's, not one more copy per tab of an address.
            if let index = placesByKey!.index(forKey: key) { clientKey = placesByKey!.keys[index] }
        }
        live[entry.id] = LiveState(connections: [connection], disconnectedAt: nil, clientKey: clientKey)
        return entry
    }

    mutating func remove(_ id: String, reason: RemovalReason, events: inout [RegistryEvent]) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        tally[entry.status, default: 0] -= 1
        offlineSince[id] = nil
        if pendingInvitations?[id] != nil { pendingInvitations![id] = nil }
        entryIDByTab[entry.tab] = nil
        if let key = live[id]?.clientKey, let held = placesByKey?[key] {
            placesByKey?[key] = held > 1 ? held - 1 : nil
        }
        live[id] = nil
        inGrace.remove(id)
        numbers.release(entry.number)
        events.append(.removed(id: id, reason: reason))
    }

    func appendCounters(_ before: Counters, to events: inout [RegistryEvent]) {
        let after = counters
        if after != before { events.append(.counters(after)) }
    }
}
