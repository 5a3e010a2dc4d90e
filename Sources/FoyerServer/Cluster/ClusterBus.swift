import Foundation
import FoyerCore
import FoyerStore
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// This node's link to the cluster's shared live state, and the cluster's command sink.
///
/// Commands submitted here are appended to the log in batches (one append, one commit,
/// one notification per batch, never one per event: `NOTIFY` serialises commits) and
/// applied only when they come back from the log, in the log's order, on every node
/// alike. A lost connection is followed by catching up from the log; a node that fell
/// behind the log's pruned start reloads the snapshots; a node declared gone asks its
/// tabs to greet again. The leader (whoever holds an advisory lock on its own
/// connection) declares silent nodes gone and prunes the log. Each account's owner (the
/// node holding its lease, ``AccountOwnership``) sends that account's once-a-second tick
/// and writes its snapshots (`ClusterBus+Ownership`, `ClusterBus+Snapshots`).
final class ClusterBus: Service, Sendable {
    let log: any LiveLog
    let state: LiveState
    let store: any Store
    let configuration: ClusterConfiguration
    let metrics: FoyerMetrics
    let logger: Logger
    let snapshots: SnapshotWriter
    private let stopping = Atomic<Bool>(false)
    private let outbox = Mutex(ClusterOutbox())
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    /// The applied position; held while a batch is applied or a snapshot taken.
    let applied = Mutex(Applied())
    let subscription = Mutex<(any LiveLogSubscription)?>(nil)
    /// The accounts this node may act for now (its ownership loop's latest answer).
    let ownedAccounts = Mutex<[String]>([])
    /// Most bytes of commands per batch. A quiet node's batches are small and travel in
    /// their notification (up to ~7.9 KB); a busy node's queue goes out in one larger
    /// batch that the others fetch, because with one append in flight per node a cap
    /// at notification size would limit a node to one notification's worth per round trip.
    private static let batchBytes = 256 * 1024

    struct Applied {
        var position: Int64 = 0
        /// Accounts restored from snapshots of their own, each at its position: records
        /// at or below it are in the snapshot already. Empty once the log passed them all.
        var floors: [String: Int64] = [:]
        var floorsUntil: Int64 = 0
    }

    init(log: any LiveLog, state: LiveState, store: any Store, configuration: ClusterConfiguration, logger: Logger) {
        self.log = log
        self.state = state
        self.store = store
        self.configuration = configuration
        metrics = state.environment.metrics
        self.logger = logger
        snapshots = SnapshotWriter(log: log, metrics: state.environment.metrics, logger: logger)
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// This node's id (0 before it joined).
    var node: Int64 { state.environment.connections.node ?? 0 }

    var clock: any WallClock { state.environment.clock }

    /// Whether the loops should end: stopping, or the server's task was cancelled.
    var isDone: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Whether this node is leaving the cluster.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// The log position this node's state reflects.
    var position: Int64 { applied.withLock { $0.position } }

    // MARK: Joining

    /// Registers this node, loads the snapshots and applies the log after them.
    func join() async throws {
        let id = try await log.registerNode(address: configuration.address)
        state.environment.connections.use(node: id)
        metrics.clusterNode.set(Double(id))
        try await restoreFromStore()
        try await catchUp()
        adoptRules()
        logger.info("joined the cluster as node \(id) at log position \(position)")
    }

    /// Rebuilds the state from the store's snapshots: each account's own snapshot, or
    /// the snapshot of everything that releases before 5 Dec 2026 wrote where it is newer.
    /// The log is then read from its oldest batch, each account skipping what its
    /// snapshot holds; an account with no snapshot has its whole history there (the
    /// leader prunes only past accounts that have one, and prunes past every account only
    /// when none was opened).
    private func restoreFromStore() async throws {
        let whole = try await log.latestSnapshot()
        let pieces = try await log.accountSnapshots()
        let bounds = try await log.bounds()
        var merged = LiveSnapshot()
        var floors: [String: Int64] = [:]
        let decoder = JSONDecoder()
        if let whole {
            merged = try decoder.decode(LiveSnapshot.self, from: Data(whole.body.utf8))
            for id in merged.accounts.keys { floors[id] = whole.position }
        }
        for piece in pieces where piece.position > floors[piece.account] ?? .min {
            let one = try decoder.decode(LiveSnapshot.self, from: Data(piece.body.utf8))
            merged.accounts[piece.account] = one.accounts[piece.account]
            merged.dashboards[piece.account] = one.dashboards[piece.account]
            floors[piece.account] = piece.position
        }
        let start = (bounds.first ?? bounds.last + 1) - 1
        applied.withLock { applied in
            state.restore(merged)
            applied.position = start
            applied.floors = floors.filter { $0.value > start }
            applied.floorsUntil = applied.floors.values.max() ?? 0
        }
        if start > 0 { logger.info("restored \(merged.accounts.count) accounts from snapshots; reading the live log after \(start)") }
    }

    // MARK: Submitting

    /// Queues a command for the log.
    func submit(_ record: LiveRecord) {
        outbox.withLock { $0.add(record) }
        wake.yield()
    }

    /// Queues a command and returns once this node has applied it from the log.
    func submitAndWait(_ record: LiveRecord) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if outbox.withLock({ $0.add(record, waiter: continuation) }) {
                wake.yield()
            } else {
                continuation.resume(throwing: StoreError.unavailable("the server is stopping"))
            }
        }
    }

    // MARK: Running

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.writeLoop() }
                group.addTask { await self.listenLoop() }
                group.addTask { await self.heartbeatLoop() }
                group.addTask { await self.leaderLoop() }
                group.addTask { await self.ownershipLoop() }
                group.addTask { await self.accountSnapshotLoop() }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        // (The ownership loop released this node's leases as it ended.)
        try? await log.removeNode(node)
    }

    /// Tells the cluster this node is going (its tabs reconnect elsewhere), then lets
    /// the writer drain and the loops end.
    private func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        submit(LiveRecord(account: nil, command: .gone(nodes: [node], at: clock.nowMillis())))
        outbox.withLock { $0.close() }
        wake.yield()
    }

    /// Appends batches in order, retrying each until the log has it.
    private func writeLoop() async {
        var iterator = wakeups.makeAsyncIterator()
        while true {
            while let batch = outbox.withLock({ $0.nextBatch(node: node, maxBytes: Self.batchBytes) }) {
                let started = ContinuousClock.now
                await append(batch)
                // Every node wakes for every batch of every node: under load, gather what
                // arrives in the meantime instead of appending each command on its own.
                let next = started + configuration.appendInterval
                if !isStopping, next > .now { try? await Task.sleep(until: next, clock: .continuous) }
            }
            let done = outbox.withLock { $0.isDrained }
            if done { break }
            guard await iterator.next() != nil else { break }
        }
        // Nothing more to write: the listener can go.
        await subscription.withLock { $0 }?.close()
    }

    private func append(_ batch: ClusterOutbox.Batch) async {
        var delay = Duration.milliseconds(100)
        var attempts = 0
        while true {
            do {
                // Bounded: a query stuck on a connection the database dropped must not
                // stall this node's writes (the retry is safe: batch ids are unique).
                let log = self.log
                let node = self.node
                let started = Monotonic.nanoseconds()
                _ = try await withDeadline(.seconds(5)) { try await log.append(node: node, batch: batch.id, body: batch.body) }
                metrics.clusterAppend.recordNanoseconds(Int64(Monotonic.nanoseconds() &- started))
                if batch.lastTicket > 0 { outbox.withLock { $0.appended(through: batch.lastTicket) } }
                return
            } catch {
                if Task.isCancelled { return }
                attempts += 1
                // While stopping, give up after a few seconds: the others will declare us gone.
                if stopping.load(ordering: .relaxed) && attempts > 20 { return }
                if attempts == 1 || attempts % 20 == 0 { logger.warning("cannot append to the live log, retrying: \(error)") }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// Listens for new batches; after any lost connection, reconnects and catches up.
    private func listenLoop() async {
        var failures = 0
        while !isDone {
            var opened: (any LiveLogSubscription)?
            do {
                let connection = try await log.subscribe()
                opened = connection
                subscription.withLock { $0 = connection }
                if failures > 0 { logger.notice("live log connection is back; catching up") }
                failures = 0
                if !isDone {
                    try await connection.run(listening: { await self.catchUpLogging() }) { batch in
                        await self.ingest(batch)
                    }
                }
            } catch {
                if !isDone {
                    failures += 1
                    if failures == 1 || failures % 30 == 0 { logger.warning("live log connection lost: \(error)") }
                }
            }
            subscription.withLock { $0 = nil }
            await opened?.close()
            if isDone { return }
            try? await Task.sleep(for: .milliseconds(failures > 5 ? 1000 : 200))
        }
    }

    private func ingest(_ batch: LiveLogBatch) async {
        let current = position
        guard batch.position > current else { return }
        if batch.position == current + 1, let body = batch.body {
            apply(LiveLogBatch(position: batch.position, node: batch.node, body: body))
        } else {
            await catchUpLogging()
        }
    }

    private func catchUpLogging() async {
        do {
            try await catchUp()
        } catch {
            logger.warning("catching up with the live log failed: \(error)")
        }
    }

    /// Applies every batch after this node's position; reloads the newest snapshot if
    /// the log no longer reaches back that far.
    private func catchUp() async throws {
        while true {
            let from = position
            let batches = try await log.batches(after: from, limit: 500)
            guard let first = batches.first else { return }
            if first.position != from + 1 {
                logger.warning("fell behind the live log (at \(from), log starts at \(first.position)); reloading the snapshots")
                try await restoreFromStore()
                releaseAppendedWaiters()
                rejoin()
                continue
            }
            for batch in batches { apply(batch) }
            if batches.count < 500 { return }
        }
    }

    /// Applies one batch in order, then wakes this node's callers waiting for it.
    private func apply(_ batch: LiveLogBatch) {
        guard let body = batch.body else { return }
        let records: [LiveRecord]
        do {
            records = try LiveBatchCodec.decode(body)
        } catch {
            logger.error("skipped an unreadable live log batch at \(batch.position): \(error)")
            applied.withLock { $0.position = max($0.position, batch.position) }
            return
        }
        let started = Monotonic.nanoseconds()
        var lastTicket: UInt64 = 0
        var declaredGone = false
        applied.withLock { applied in
            guard batch.position > applied.position else { return }
            for record in records {
                state.apply(record, position: batch.position, startedAtNanos: started, floors: applied.floors)
                if batch.node == node, let ticket = record.ticket { lastTicket = max(lastTicket, ticket) }
                if case .gone(let nodes, _) = record.command, nodes.contains(node) { declaredGone = true }
            }
            applied.position = batch.position
            if batch.position >= applied.floorsUntil, !applied.floors.isEmpty { applied.floors = [:] }
        }
        if declaredGone, !isStopping {
            logger.warning("this node was declared gone; its tabs greet again")
            rejoin()
        }
        metrics.clusterBatchesApplied.increment()
        metrics.clusterPosition.set(Double(position))
        if lastTicket > 0 { releaseWaiters(through: lastTicket) }
    }

    private func releaseWaiters(through ticket: UInt64) {
        for continuation in outbox.withLock({ $0.takeWaiters(through: ticket) }) { continuation.resume() }
    }

    /// After a snapshot replaced the state, what this node had appended is in it.
    private func releaseAppendedWaiters() {
        releaseWaiters(through: outbox.withLock { $0.appendedTicket })
    }

    // MARK: Liveness and leadership

    private func heartbeatLoop() async {
        var failing = false
        while !isDone {
            do {
                let (log, node, address) = (self.log, self.node, configuration.address)
                try await withDeadline(.seconds(5)) { try await log.heartbeat(node: node, address: address) }
                failing = false
            } catch {
                if !failing { logger.warning("live heartbeat failed: \(error)") }
                failing = true
            }
            try? await Task.sleep(for: configuration.heartbeat)
        }
    }

    private func leaderLoop() async {
        var leadingOn: ObjectIdentifier?
        var pruning = PruneSchedule(interval: configuration.snapshotInterval, now: .now)
        while !isDone {
            try? await Task.sleep(for: .seconds(1))
            guard let connection = subscription.withLock({ $0 }), !isDone else {
                leadingOn = nil
                metrics.clusterLeader.set(0.0)
                continue
            }
            do {
                if leadingOn != ObjectIdentifier(connection as AnyObject) {
                    guard try await connection.tryLead() else { continue }
                    leadingOn = ObjectIdentifier(connection as AnyObject)
                    metrics.clusterLeader.set(1.0)
                    logger.notice("node \(node) leads the cluster")
                    // Sockets of nodes that no longer exist (a cluster restarted, a node
                    // that died while no one led) close now.
                    let alive = Set(try await log.nodes())
                    let gone = state.referencedNodes().subtracting(alive).subtracting([node])
                    if !gone.isEmpty { submit(LiveRecord(account: nil, command: .gone(nodes: gone.sorted(), at: clock.nowMillis()))) }
                }
                let expired = try await log.expireNodes(olderThanSeconds: configuration.nodeExpirySeconds)
                if !expired.isEmpty {
                    logger.warning("nodes \(expired) stopped answering; their tabs start their disconnect grace")
                    submit(LiveRecord(account: nil, command: .gone(nodes: expired, at: clock.nowMillis())))
                }
                if pruning.isDue(now: .now) {
                    let horizon = try await pruneHorizon()
                    if let prune = pruning.reached(horizon, now: .now) { try await log.prune(before: prune) }
                }
            } catch {
                logger.warning("leader duties failed: \(error)")
            }
        }
    }
}
