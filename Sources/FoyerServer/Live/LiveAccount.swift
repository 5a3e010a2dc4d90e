import FoyerCore
import FoyerStore

/// One account's live state as the sockets and controllers use it: they report what
/// happened here, and this turns it into commands for the node's ``LiveCommandSink``.
///
/// Reading is local (the ``AccountState`` this node applied); changing always goes
/// through the sink, so a node alone and a node of a cluster behave alike.
final class LiveAccount: Sendable {
    let state: AccountState
    private let sink: any LiveCommandSink
    private let clock: any WallClock
    private let connections: ConnectionIDs

    init(state: AccountState, sink: any LiveCommandSink, environment: LiveEnvironment) {
        self.state = state
        self.sink = sink
        clock = environment.clock
        connections = environment.connections
    }

    var id: String { state.id }

    private var now: Int64 { clock.nowMillis() }

    private func submit(_ command: LiveCommand, startedAtNanos: UInt64 = Monotonic.nanoseconds()) {
        sink.submit(LiveRecord(account: id, command: command), startedAtNanos: startedAtNanos)
    }

    // MARK: Tabs (called by tracker sockets)

    /// A tab said hello; `tracker` hears the outcome once the command is applied.
    func hello(_ hello: TabHello, connection: ConnectionID, tracker: any TrackerConnection, startedAtNanos: UInt64) {
        state.addGreeting(tracker, connection: connection)
        submit(.hello(hello, connection: connection, at: now), startedAtNanos: startedAtNanos)
    }

    func navigate(tab: String, url: String, title: String, startedAtNanos: UInt64) {
        submit(.navigate(tab: tab, url: url, title: title, at: now), startedAtNanos: startedAtNanos)
    }

    func retitle(tab: String, title: String, startedAtNanos: UInt64) {
        submit(.retitle(tab: tab, title: title), startedAtNanos: startedAtNanos)
    }

    /// `foyer('identify', …)`, checked: the identity replaces the entry's (attributes stay).
    func identify(tab: String, _ identity: VisitorProfile) { submit(.identify(tab: tab, identity, at: now)) }

    /// `foyer('set', …)`, checked.
    func setAttributes(tab: String, _ attributes: [VisitorAttribute]) { submit(.setAttributes(tab: tab, attributes, at: now)) }

    /// `foyer('track', name)`, checked.
    func track(tab: String, event: String) { submit(.track(tab: tab, event: event, at: now)) }

    /// The tab's browser became known after its hello: its visits.
    func browserKnown(tab: String, browser: String, visits: Int) {
        submit(.browser(tab: tab, browser: browser, visits: visits, at: now))
    }

    /// The tab's tracker reports it inactive (Idle) or active again.
    func activity(tab: String, inactive: Bool, startedAtNanos: UInt64) {
        submit(.activity(tab: tab, inactive: inactive, at: now), startedAtNanos: startedAtNanos)
    }

    func disconnect(tab: String, connection: ConnectionID) {
        state.removeTracker(connection: connection)
        submit(.disconnect(tab: tab, connection: connection, at: now))
    }

    // MARK: Dashboards (called by feed sockets)

    /// Adds a dashboard and sends it the snapshot, atomically with respect to changes.
    func subscribe(_ subscriber: any FeedSubscriber) {
        // Announced alone too (node 0): the registry's triggers stay quiet while no page is open.
        if state.addDashboard(subscriber) { submit(.dashboards(node: connections.node ?? 0, open: true)) }
    }

    func unsubscribe(_ subscriber: any FeedSubscriber) {
        let (removed, last) = state.removeDashboard(subscriber)
        if removed, last { submit(.dashboards(node: connections.node ?? 0, open: false)) }
    }

    /// Replaces the account's triggers in the live state, on every node.
    func setTriggers(_ triggers: [Trigger]) { submit(.setTriggers(triggers)) }

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
    /// Tells every node to read the account's settings again.
    func settingsChanged() { submit(.settingsChanged) }

    // MARK: Blocking

    /// Blocks a browser key (or a tab key) until `until`, on every node; returns once
    /// this node applied it, so the entries are gone when the caller answers.
    func block(browser: String, until: Int64) async throws {
        try await sink.submitAndWait(LiveRecord(account: id, command: .block(browser: browser, until: until, at: now)))
    }

    func unblock(browser: String) async throws {
        try await sink.submitAndWait(LiveRecord(account: id, command: .unblock(browser: browser)))
    }

    /// Whether a tab, or its browser, is blocked now (as this node applied it).
    func isBlocked(tab: String, browser: String?) -> Bool { state.isBlocked(tab: tab, browser: browser, now: now) }

    // MARK: Chats

    /// The visitor of `tab` is chatting in `chatID` (an archived, hidden tab comes back);
    /// returns once the change is applied here, so the entry can be read.
    func startChat(tab: String, chatID: String) async throws {
        try await sink.submitAndWait(LiveRecord(account: id, command: .startChat(tab: tab, chat: chatID, at: now)))
    }

    /// A chat changed (new message, receipts); returns whether any dashboard of the
    /// account is open, on any node, to receive it (a visitor message then counts as delivered).
    @discardableResult
    func chatChanged(_ summary: ChatSummary, messages: [MessageView]) -> Bool {
        let watched = state.isWatched
        submit(.chat(summary, messages: messages))
        return watched
    }

    /// Archives a chat: its entry leaves the map at once and its number is freed.
    func archiveChat(_ chatID: String, tab: String) {
        submit(.archiveChat(chat: chatID, tab: tab, at: now))
    }

    /// Sends a message to every socket of a tab, on whichever node it is connected.
    func sendToTab(_ tab: String, _ message: String) { submit(.toTab(tab: tab, message: message)) }

    // MARK: Invitations

    /// Invites the visitor of an entry to chat; returns once the command is applied
    /// here, with the invitation as made or the reason it was not.
    func invite(entryID: String, invitation: Invitation) async throws -> Result<Invitation, InvitationRefusal> {
        if let refusal = InvitationRefusal.check(state.entry(id: entryID)) { return .failure(refusal) }
        try await sink.submitAndWait(LiveRecord(account: id, command: .invite(entry: entryID, invitation, at: now)))
        let entry = state.entry(id: entryID)
        if let made = entry?.invitation, made.id == invitation.id { return .success(made) }
        // Something applied in between (the tab left, another agent was quicker).
        return .failure(InvitationRefusal.check(entry) ?? .pending)
    }

    /// The visitor's page showed (`seen`) or closed (`dismissed`) an invitation.
    func invitationReported(tab: String, id invitationID: String, state invitationState: InvitationState) {
        submit(.invitation(tab: tab, id: invitationID, state: invitationState, at: now))
    }

    // MARK: Reading (this node's applied state)

    /// The tab's current entry, if shown.
    func entry(tab: String) -> Entry? { state.entry(tab: tab) }

    /// A shown entry by its id.
    func entry(id: String) -> Entry? { state.entry(id: id) }

    /// Whether the tab already has an entry (so a hello resumes it).
    func hasEntry(tab: String) -> Bool { state.hasEntry(tab: tab) }

    /// A copy of the registry, for inspection.
    var registry: AccountRegistry { state.registry }

    /// Whether tracking is on in the applied state (the one `ok`/`off` is decided by).
    var trackingEnabled: Bool { state.trackingEnabled }
}
