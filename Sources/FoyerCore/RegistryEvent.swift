/// A change to what dashboards show, produced by ``AccountRegistry``.
public enum RegistryEvent: Sendable, Hashable {
    case added(Entry)
    /// An entry changed; dashboards are sent only what differs (``EntryUpdate``).
    case changed(EntryUpdate)
    case removed(id: String, reason: RemovalReason)
    case counters(Counters)
    case tracking(enabled: Bool)
}

/// Why an entry was removed.
public enum RemovalReason: String, Sendable, Codable, Hashable {
    /// Offline for the whole retention period.
    case expired
    /// Its chat was archived.
    case archived
    /// Visitor tracking was switched off.
    case cleared
    /// Offline, it gave its place to a connected tab while the account was full
    /// (or its address held its whole share of places).
    case madeRoom = "made room"
    /// An owner or admin blocked the browser (or the tab) it belongs to.
    case blocked
}

/// The overlay card's numbers.
public struct Counters: Sendable, Codable, Hashable {
    /// Entries shown, any status (**Live Visitors**).
    public var live: Int
    /// Entries in an active chat (**Active Chats now**).
    public var chats: Int
    /// Tabs waiting over the limit.
    public var waiting: Int

    public init(live: Int, chats: Int, waiting: Int) {
        self.live = live
        self.chats = chats
        self.waiting = waiting
    }
}

/// What happened to a tab that said hello.
public enum ConnectOutcome: Sendable, Hashable {
    /// The tab is shown, as this entry (new or resumed).
    case shown(entryID: String, resumed: Bool)
    /// The account is at its limit; the tab waits in line.
    case waiting
    /// The tab's chat was archived; it stays hidden until it chats again.
    case hidden
    /// Tracking is off; nothing is collected.
    case trackingOff
    /// The browser (or tab) is blocked; nothing is collected or shown.
    case blocked
}
