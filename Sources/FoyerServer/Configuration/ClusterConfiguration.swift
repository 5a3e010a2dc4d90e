/// How the nodes of a cluster keep in touch; the defaults suit most deployments.
public struct ClusterConfiguration: Sendable {
    /// Least time between the starts of two appends of this node. A lone command goes
    /// out at once; under load commands gather for this long, so each node sends (and
    /// every node receives) a few hundred batches per second, not one per command.
    public var appendInterval: Duration = .milliseconds(10)
    /// How often a node says it is alive.
    public var heartbeat: Duration = .seconds(1)
    /// A node silent this long is declared gone: its tabs start their disconnect grace.
    public var nodeExpirySeconds: Int = 5
    /// How long a node's lease on an account lasts unrenewed (renewed every second). When
    /// an account's owner dies, its lease lapses about as the node is declared gone, and
    /// another node takes the account within a second or two of both.
    public var leaseSeconds: Double = 5
    /// How often each node writes snapshots of the accounts it owns that changed, and
    /// the leader prunes the log the snapshots made unnecessary.
    public var snapshotInterval: Duration = .seconds(30)
    /// An owned account that did not change is still written this often, so the log
    /// kept for it (and for a joining node to read) stays bounded.
    public var accountSnapshotRefresh: Duration = .seconds(300)
    /// The address other operators see for this node (its host and port).
    public var address: String = ""

    public init() {}
}
