import FoyerCore

/// What every account's applied state on this node shares.
struct LiveEnvironment: Sendable {
    let clock: any WallClock
    let metrics: FoyerMetrics
    /// Where entry changes are persisted; nil on a cluster node, whose live state lives
    /// in the shared log and its snapshots instead of entry rows.
    let writer: EntryWriter?
    let connections: ConnectionIDs
    /// The keys kept instead of browsers' and tabs' own ids.
    let hasher: IdentityHasher
    /// The rules new accounts open with on this node.
    let configuration: RegistryConfiguration
    /// Told to trackers in `ok`/`wait`: input-less time after which a tab reports idle.
    let idleAfterMillis: Int64
    /// Counts how automatic invitations went; nil in tests that build states by hand.
    var triggerCounter: TriggerCounter? = nil
    /// The node's accounts by site key and id, read again when another node changes an
    /// account's settings; nil in tests that build states by hand.
    var directory: AccountDirectory? = nil
}
