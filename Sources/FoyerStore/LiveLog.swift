/// The ordered log through which the nodes of a cluster keep one live state.
///
/// Every node appends batches of live commands and applies every batch, its own
/// included, in log order; each starts from the latest snapshot. Only the PostgreSQL
/// store has one: the embedded store serves a single node, which needs no log.
public protocol LiveLog: Sendable {
    /// Registers a starting node; its id is never reused.
    func registerNode(address: String) async throws -> Int64
    /// Marks the node alive now, re-creating its row if it had been declared gone.
    func heartbeat(node: Int64, address: String) async throws
    /// Removes nodes whose last heartbeat is older than `seconds`; returns them.
    func expireNodes(olderThanSeconds seconds: Int) async throws -> [Int64]
    /// Nodes with a row (alive, or not yet expired).
    func nodes() async throws -> [Int64]
    /// Removes a node that is stopping.
    func removeNode(_ node: Int64) async throws

    /// Appends one batch and tells every subscriber. Appending a batch id that is
    /// already in the log (a retry after an unanswered commit) returns its position.
    func append(node: Int64, batch: String, body: String) async throws -> Int64
    /// Batches after `position`, oldest first.
    func batches(after position: Int64, limit: Int) async throws -> [LiveLogBatch]
    /// The newest snapshot of everything, if any: releases before 5 Dec 2026 wrote them;
    /// now only read, until pruning removes the last one.
    func latestSnapshot() async throws -> LiveLogSnapshot?
    /// Drops batches and snapshots older than `position`, keeping the snapshot there.
    func prune(before position: Int64) async throws

    /// Stores account snapshots, each replacing an older one of its account (never a newer).
    func saveAccountSnapshots(_ snapshots: [AccountSnapshot]) async throws
    /// Every account snapshot.
    func accountSnapshots() async throws -> [AccountSnapshot]
    /// Each account snapshot's position, by account (no bodies).
    func accountSnapshotPositions() async throws -> [String: Int64]
    /// The oldest batch still in the log (nil when it is empty) and the newest position given.
    func bounds() async throws -> (first: Int64?, last: Int64)

    /// Renews, takes and releases this node's account leases in one step; returns every
    /// lease the node holds afterwards (released ones excluded).
    func leaseRound(node: Int64, _ round: LeaseRound) async throws -> [AccountLease]
    /// Every unexpired lease, by account.
    func leases() async throws -> [AccountLease]
    /// Gives up all of a stopping node's leases at once.
    func releaseLeases(node: Int64) async throws

    /// Opens the node's own connection, which hears of new batches and can hold the
    /// cluster's leadership; it lasts until the connection is lost.
    func subscribe() async throws -> any LiveLogSubscription
}

/// One node's connection to the log's notifications.
public protocol LiveLogSubscription: Sendable {
    /// Listens, calls `listening` once notices are on (catch up from there), then
    /// delivers notices until the connection is lost (then throws) or is closed.
    func run(listening: @Sendable () async -> Void, _ receive: @Sendable (LiveLogBatch) async -> Void) async throws
    /// Takes the cluster's leadership if no one holds it; held while this connection lives.
    func tryLead() async throws -> Bool
    func close() async
}

/// A batch of commands as stored; `body` is absent when a notice was too long to carry it.
public struct LiveLogBatch: Sendable, Hashable {
    public var position: Int64
    public var node: Int64
    public var body: String?

    public init(position: Int64, node: Int64, body: String?) {
        self.position = position
        self.node = node
        self.body = body
    }
}

/// The whole live state at a log position.
public struct LiveLogSnapshot: Sendable, Hashable {
    public var position: Int64
    public var body: String

    public init(position: Int64, body: String) {
        self.position = position
        self.body = body
    }
}
