import FoyerCore
import FoyerStore

/// Where this node's changes to the live state go, and how accounts' states come to be.
///
/// Two implementations: ``LocalCommandSink`` applies commands at once (a server on its
/// own, SQLite or PostgreSQL without a cluster); ``ClusterBus`` appends them to the shared
/// log and applies every node's commands in the log's order. Everything above this
/// protocol is the same on both.
protocol LiveCommandSink: Sendable {
    /// Loads or joins the live state at start.
    func start() async throws
    /// Makes an account's state ready on this node (loading it on first use).
    func open(_ account: Account) async throws -> AccountState
    /// The account's state if it is ready for sockets without any I/O.
    func ready(accountID: String) -> AccountState?
    /// Submits a command: applied at once alone, in the log's order in a cluster.
    func submit(_ record: LiveRecord, startedAtNanos: UInt64)
    /// Submits a command and returns once this node has applied it.
    func submitAndWait(_ record: LiveRecord) async throws
    /// The passage of time, once a second (a cluster's leader ticks for every node).
    func tick(at now: Int64)
}
