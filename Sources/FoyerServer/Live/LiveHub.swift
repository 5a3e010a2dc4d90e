import FoyerCore
import FoyerStore
import Synchronization

/// The way into this node's live state: finds an account's ``LiveAccount`` by site key or
/// id, opening its state on first use, and carries what every socket of the node shares.
///
/// The hub only composes: the ``LiveState`` holds what was applied, the
/// ``LiveCommandSink`` (local or cluster) decides how changes are applied, the
/// ``AccountDirectory`` maps site keys to accounts. Nothing below the hub refers to it.
final class LiveHub: Sendable {
    let directory: AccountDirectory
    let state: LiveState
    let sink: any LiveCommandSink
    let writer: EntryWriter
    /// Batched first-visit lookups for greeting tabs.
    let browsers: BrowserLookup
    private let accounts = Mutex<[String: LiveAccount]>([:])

    init(state: LiveState, sink: any LiveCommandSink, store: any Store, writer: EntryWriter, directory: AccountDirectory) {
        self.state = state
        self.sink = sink
        self.writer = writer
        self.directory = directory
        browsers = BrowserLookup(store: store)
    }

    var clock: any WallClock { state.environment.clock }
    var metrics: FoyerMetrics { state.environment.metrics }
    var connections: ConnectionIDs { state.environment.connections }
    var hasher: IdentityHasher { state.environment.hasher }

    /// Loads every account (alone) or joins the cluster.
    func start() async throws { try await sink.start() }

    /// The live state of an account, loading it on first use.
    func liveAccount(for account: Account) async throws -> LiveAccount {
        directory.remember(account)
        return handle(for: try await sink.open(account))
    }

    /// The live state of an account if it is ready for sockets without any I/O: the
    /// tracker upgrade's fast path.
    func readyAccount(for account: Account) -> LiveAccount? {
        sink.ready(accountID: account.id).map(handle(for:))
    }

    /// The live state of an account already loaded here.
    func loadedAccount(id: String) -> LiveAccount? {
        state.account(id: id).map(handle(for:))
    }

    /// Applies a changed account (settings, site key) to the live state.
    func accountChanged(_ account: Account, previous: Account) async throws {
        directory.changed(account, previous: previous)
        let live = try await liveAccount(for: account)
        if previous.siteKey != account.siteKey {
            live.stopTrackers(code: 4001, reason: "site key changed")
        }
        if previous.trackingEnabled != account.trackingEnabled {
            live.setTracking(account.trackingEnabled)
        }
        // Every node's directory (this one has it already).
        live.settingsChanged()
    }

    /// Applies the passage of time (in a cluster, each account's owner does it for every node).
    func tick() { sink.tick(at: clock.nowMillis()) }

    /// Closes every socket on this node politely (graceful shutdown).
    func closeAll() { state.closeAll() }

    /// One handle per account, so sockets share it.
    private func handle(for accountState: AccountState) -> LiveAccount {
        accounts.withLock { table in
            if let existing = table[accountState.id], existing.state === accountState { return existing }
            let created = LiveAccount(state: accountState, sink: sink, environment: state.environment)
            table[accountState.id] = created
            return created
        }
    }
}
