import Crypto
import Foundation
import FoyerCore
import FoyerStore
import Logging
import Synchronization

/// All accounts' live state on this server, and the directory from site keys to accounts.
///
/// Changes are submitted as ``LiveCommand``s. A server on its own applies them at once;
/// a node of a cluster (PostgreSQL store) hands them to its ``ClusterBus``, which applies
/// every node's commands in the shared log's order, so all nodes hold the same state.
public final class LiveHub: Sendable {
    /// Connection ids carry their node in the bits above this one.
    static let nodeShift: UInt64 = 40

    let store: any Store
    let writer: EntryWriter
    /// Batched first-visit lookups for greeting tabs.
    let browsers: BrowserLookup
    let clock: any WallClock
    let metrics: FoyerMetrics
    let logger: Logger
    let disconnectGraceMillis: Int64
    /// Most entries shown per account (SPEC: 500 by default).
    let entryLimit: Int
    /// The cluster this node belongs to; nil when it runs alone.
    let cluster: ClusterBus?
    private let live = Mutex<[String: LiveAccount]>([:])
    private let bySiteKey = Mutex<[String: Account]>([:])
    private let nextConnection = Atomic<UInt64>(1)
    private let browserSalt: [UInt8]
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init(store: any Store, writer: EntryWriter, cluster: ClusterBus?, clock: any WallClock, metrics: FoyerMetrics, browserSalt: String, disconnectGraceMillis: Int64, entryLimit: Int, logger: Logger) {
        self.entryLimit = entryLimit
        self.disconnectGraceMillis = disconnectGraceMillis
        self.store = store
        self.writer = writer
        browsers = BrowserLookup(store: store)
        self.cluster = cluster
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.browserSalt = Array(browserSalt.utf8)
    }

    /// Entry rows are written only by a server on its own; a cluster keeps its live
    /// state in the log and its snapshots.
    var persistsEntries: Bool { cluster == nil }

    /// This node's id in the cluster, if it is in one.
    var clusterNode: Int64? { cluster?.node }

    private var configuration: RegistryConfiguration {
        RegistryConfiguration(entryLimit: entryLimit, disconnectGraceMillis: disconnectGraceMillis)
    }

    /// Loads every account and its persisted entries (after a restart the entries start
    /// their disconnect grace, so returning tabs resume without flashing Offline). A
    /// cluster node loads its state from the log instead (``ClusterBus/join(hub:)``).
    func loadAll() async throws {
        if let cluster {
            try await cluster.join(hub: self)
            return
        }
        for account in try await store.accounts() {
            _ = try await liveAccount(for: account)
        }
    }

    /// The account with this site key, from the cache or the store (accounts added by
    /// the command line while the server runs are found too).
    func account(siteKey: String) async throws -> Account? {
        if let account = bySiteKey.withLock({ $0[siteKey] }) { return account }
        guard let account = try await store.account(siteKey: siteKey) else { return nil }
        remember(account)
        return account
    }

    /// The cached account for a site key, without touching the store.
    func cachedAccount(siteKey: String) -> Account? { bySiteKey.withLock { $0[siteKey] } }

    /// The live state of an account, loading it on first use.
    func liveAccount(for account: Account) async throws -> LiveAccount {
        remember(account)
        if cluster != nil {
            if let existing = loadedAccount(id: account.id), existing.isOpened {
                if !existing.chatsLoaded { existing.loadChats(try await activeChats(account.id)) }
                return existing
            }
            try await submitAndWait(.open(trackingEnabled: account.trackingEnabled, configuration: configuration), account: account.id)
            let opened = materialize(account.id)
            if !opened.chatsLoaded { opened.loadChats(try await activeChats(account.id)) }
            return opened
        }
        if let existing = live.withLock({ $0[account.id] }) { return existing }
        var registry = AccountRegistry(configuration: configuration, trackingEnabled: account.trackingEnabled)
        registry.restore(try await store.entries(accountID: account.id), now: clock.nowMillis())
        let created = LiveAccount(id: account.id, hub: self, registry: registry, chats: try await activeChats(account.id))
        return live.withLock { table in
            if let raced = table[account.id] { return raced }
            table[account.id] = created
            return created
        }
    }

    private func activeChats(_ accountID: String) async throws -> [ChatSummary] {
        var chats: [ChatSummary] = []
        for chat in try await store.activeChats(accountID: accountID) {
            chats.append(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)))
        }
        return chats
    }

    /// The account's state object, created unopened if this node has none yet.
    private func materialize(_ accountID: String) -> LiveAccount {
        live.withLock { table in
            if let existing = table[accountID] { return existing }
            let created = LiveAccount(id: accountID, hub: self, registry: AccountRegistry(configuration: configuration), opened: false)
            table[accountID] = created
            return created
        }
    }

    /// The live state of an account if it is ready for sockets without any I/O (loaded,
    /// and in a cluster opened with its chats): the tracker upgrade's fast path.
    func readyAccount(for account: Account) -> LiveAccount? {
        guard let existing = loadedAccount(id: account.id) else { return nil }
        if cluster != nil, !(existing.isOpened && existing.chatsLoaded) { return nil }
        return existing
    }

    /// The live state of an account already loaded.
    func loadedAccount(id: String) -> LiveAccount? { live.withLock { $0[id] } }

    /// Applies a changed account (settings, site key) to the live state.
    func accountChanged(_ account: Account, previous: Account) async throws {
        bySiteKey.withLock { table in
            table[previous.siteKey] = nil
            table[account.siteKey] = account
        }
        let state = try await liveAccount(for: account)
        if previous.siteKey != account.siteKey {
            state.stopTrackers(code: 4001, reason: "site key changed")
        }
        if previous.trackingEnabled != account.trackingEnabled {
            state.setTracking(account.trackingEnabled)
        }
    }

    private func remember(_ account: Account) {
        bySiteKey.withLock { $0[account.siteKey] = account }
    }

    /// A new connection identity, unique in the cluster (the node is in its high bits).
    func makeConnectionID() -> ConnectionID {
        nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Numbers this node's connections from its cluster id on.
    func useNode(_ node: Int64) {
        nextConnection.store(UInt64(node) << Self.nodeShift | 1, ordering: .relaxed)
    }

    /// The salted hash under which a browser id is remembered; the id itself is never stored.
    func browserHash(_ browserID: String, accountID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((accountID + ":" + browserID).utf8), using: SymmetricKey(data: browserSalt))
        // Hex by hand: `String(format:)` per byte was a visible share of a hello's cost.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var index = 0
            for byte in mac.prefix(16) {
                buffer[index] = Self.hexDigits[Int(byte >> 4)]
                buffer[index + 1] = Self.hexDigits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    // MARK: Commands

    /// Submits a command: applied now on a server alone, in log order in a cluster.
    func submit(_ command: LiveCommand, account: String?, startedAtNanos: UInt64 = Monotonic.nanoseconds()) {
        let record = LiveRecord(account: account, command: command)
        if let cluster {
            cluster.submit(record)
        } else {
            apply(record, position: 0, startedAtNanos: startedAtNanos)
        }
    }

    /// Submits a command and returns once this node has applied it.
    func submitAndWait(_ command: LiveCommand, account: String?) async throws {
        if let cluster {
            try await cluster.submitAndWait(LiveRecord(account: account, command: command))
        } else {
            apply(LiveRecord(account: account, command: command), position: 0, startedAtNanos: Monotonic.nanoseconds())
        }
    }

    /// Applies one command; `position` is its place in the cluster's log (0 alone).
    func apply(_ record: LiveRecord, position: Int64, startedAtNanos: UInt64) {
        guard let accountID = record.account else {
            let accounts = live.withLock { Array($0.values) }
            for account in accounts where account.isOpened {
                account.apply(record.command, position: position, startedAtNanos: startedAtNanos)
            }
            if case .gone(let nodes, _) = record.command, let node = clusterNode, nodes.contains(node), cluster?.isStopping == false {
                logger.warning("this node was declared gone; its tabs greet again")
                rejoin()
            }
            return
        }
        let account = live.withLock { $0[accountID] } ?? materialize(accountID)
        if !account.isOpened, !isOpen(record.command) {
            // A command before any `open` (cannot happen through the normal paths): open
            // the account with defaults, as every node does at the same position.
            account.apply(.open(trackingEnabled: true), position: position, startedAtNanos: startedAtNanos)
        }
        account.apply(record.command, position: position, startedAtNanos: startedAtNanos)
    }

    private func isOpen(_ command: LiveCommand) -> Bool {
        if case .open = command { return true }
        return false
    }

    /// Applies the passage of time to every account (a server alone; in a cluster the
    /// leader submits ticks).
    func tickAll() {
        guard cluster == nil else { return }
        apply(LiveRecord(account: nil, command: .tick(at: clock.nowMillis())), position: 0, startedAtNanos: Monotonic.nanoseconds())
    }

    /// Closes every socket on this node politely (graceful shutdown): trackers reconnect
    /// to the next server, dashboards resynchronise.
    func closeAll() {
        for account in live.withLock({ Array($0.values) }) {
            account.closeLocal(code: 1001, reason: "server shutting down")
        }
    }

    // MARK: Cluster

    /// Every opened account's registry, and which other nodes show its dashboards.
    func snapshot() -> LiveSnapshot {
        var snapshot = LiveSnapshot()
        for account in live.withLock({ Array($0.values) }) where account.isOpened {
            snapshot.accounts[account.id] = account.registry
            let nodes = account.remoteDashboardNodes.union(clusterNode.map { account.hasLocalDashboards ? [$0] : [] } ?? [])
            if !nodes.isEmpty { snapshot.dashboards[account.id] = nodes.sorted() }
        }
        return snapshot
    }

    /// Replaces the whole state with a snapshot's; accounts it lacks start unopened.
    func restore(_ snapshot: LiveSnapshot) {
        let node = clusterNode
        for id in snapshot.accounts.keys { _ = materialize(id) }
        for account in live.withLock({ Array($0.values) }) {
            let remote = Set(snapshot.dashboards[account.id] ?? []).subtracting(node.map { [$0] } ?? [])
            account.replace(registry: snapshot.accounts[account.id], remoteDashboards: remote)
        }
    }

    /// Nodes that some state still refers to (sockets, dashboards).
    func referencedNodes() -> Set<Int64> {
        var nodes: Set<Int64> = []
        for account in live.withLock({ Array($0.values) }) {
            for connection in account.registry.connections { nodes.insert(Int64(connection >> Self.nodeShift)) }
            nodes.formUnion(account.remoteDashboardNodes)
        }
        return nodes
    }

    /// After joining a cluster: accounts opened under other rules than this node's take
    /// this node's (the last node started decides, so a rolling restart with a new
    /// `--entry-limit` applies it everywhere).
    func adoptRules() {
        for account in live.withLock({ Array($0.values) }) where account.isOpened && account.registry.configuration != configuration {
            submit(.setRules(configuration, at: clock.nowMillis()), account: account.id)
        }
    }

    /// After this node's sockets were dropped from the shared state (declared gone, or a
    /// resynchronisation), puts them back: trackers greet again, dashboards re-announce.
    func rejoin() {
        guard let node = clusterNode else { return }
        for account in live.withLock({ Array($0.values) }) {
            account.askTrackersToGreet()
            if account.hasLocalDashboards { submit(.dashboards(node: node, open: true), account: account.id) }
        }
    }
}
