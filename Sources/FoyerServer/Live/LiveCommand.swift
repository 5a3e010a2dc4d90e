import FoyerCore

/// One change to the live state. A node applies its own commands at once when it runs
/// alone; in a cluster every node applies every node's commands in the log's order, so
/// each command carries the time it happened instead of reading a clock when applied.
enum LiveCommand: Sendable, Codable, Hashable {
    // For one account (``LiveRecord/account`` is set).
    /// The account's live state begins (a no-op once it exists), with the opening node's
    /// rules (limit, grace…), so nodes started with different options still agree.
    /// Without them each node uses its own.
    case open(trackingEnabled: Bool, configuration: RegistryConfiguration? = nil)
    case hello(TabHello, connection: ConnectionID, at: Int64)
    case navigate(tab: String, url: String, title: String, at: Int64)
    case retitle(tab: String, title: String)
    case disconnect(tab: String, connection: ConnectionID, at: Int64)
    case startChat(tab: String, chat: String, at: Int64)
    case archiveChat(chat: String, tab: String, at: Int64)
    /// The tab's tracker reports it inactive (Idle) or active again.
    case activity(tab: String, inactive: Bool, at: Int64)
    /// A browser key (or a tab key) is blocked until `until`: its entries go, its trackers
    /// are told `off`, its hellos are refused.
    case block(browser: String, until: Int64, at: Int64)
    case unblock(browser: String)
    case setTracking(Bool)
    /// A node started with other rules (limit, grace…) than the account's: the most
    /// recently started node's rules apply to every node.
    case setRules(RegistryConfiguration, at: Int64)
    /// A chat changed: its summary and the messages to show on dashboards.
    case chat(ChatSummary, messages: [MessageView])
    /// A message for every socket of a tab, wherever it is connected.
    case toTab(tab: String, message: String)
    case stopTrackers(code: UInt16, reason: String)
    /// The account's settings changed in the store (site key, allowed origins, identity
    /// secret, Remember returning visitors…): every node reads the account again, so a
    /// rotated key or secret stops working on every node, not only the one that saved it.
    /// Carries nothing: secrets stay out of the log.
    case settingsChanged
    case closeDashboards(code: UInt16, reason: String, DashboardSelector)
    /// A node's first dashboard of the account opened, or its last closed (node 0: a
    /// server on its own). Triggers stay quiet while no node has one.
    case dashboards(node: Int64, open: Bool)
    /// The account's triggers, in order: sent when the live state loads and after every change.
    case setTriggers([Trigger])
    /// An agent (or a trigger) invites the visitor of an entry to chat.
    case invite(entry: String, Invitation, at: Int64)
    /// The visitor's page reported an invitation seen or dismissed.
    case invitation(tab: String, id: String, state: InvitationState, at: Int64)
    /// `foyer('identify', …)`: id, name, email, verified (attributes untouched).
    case identify(tab: String, VisitorProfile, at: Int64)
    /// `foyer('set', …)`, checked already.
    case setAttributes(tab: String, [VisitorAttribute], at: Int64)
    /// `foyer('track', name)`.
    case track(tab: String, event: String, at: Int64)
    /// A tab's browser became known after its hello (the late `vid`): its visits.
    case browser(tab: String, browser: String?, visits: Int?, at: Int64)

    // For every account (``LiveRecord/account`` is nil).
    /// Time passed (grace periods, retention, waiting line); the leader sends it.
    case tick(at: Int64)
    /// Nodes that died or stopped: their sockets are closed as of `at`.
    case gone(nodes: [Int64], at: Int64)
}
