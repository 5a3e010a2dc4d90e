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
/// behind the log's pruned start reloads the newest snapshot; a node declared gone asks
/// its tabs to greet again. The leader (whoever holds an advisory lock on its own
/// connection) declares silent nodes gone and writes snapshots. Each account's owner (the
/// node holding its lease, ``AccountOwnership``) sends that account's once-a-second tick.
final class ClusterBus: Service, Sendable {
    let log: any LiveLog
    let state: LiveState
    let store: any Store
    private let configuration: ClusterConfiguration
    private let metrics: FoyerMetrics
    private let logger: Logger
    private let snapshots: SnapshotWriter
    private let stopping = Atomic<Bool>(false)
    private let outbox = Mutex(ClusterOutbox())
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    /// The applied position and log bytes; held while a batch is applied or a snapshot taken.
    private let applied = Mutex(Applied())
    private let subscription = Mutex<(any LiveLogSubscription)?>(nil)
    /// Most bytes of commands per batch. A quiet node's batches are small and travel in
    /// their notification (up to ~7.9 KB); a busy node's queue goes out in one larger
    /// batch that the others fetch, because with one append in flight per node a cap
    /// at notification size would limit a node to one notification's worth per round trip.
    private static let batchBytes = 256 * 1024

    private struct Applied {
        var position: Int64 = 0
        /// Bytes of batches applied since this node started (for the snapshot rule).
        var logBytes = 0
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

    private var clock: any WallClock { state.environment.clock }

    /// Whether the loops should end: stopping, or the server's task was cancelled.
    private var isDone: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Whether this node is leaving the cluster.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// The log position this node's state reflects.
    var position: Int64 { applied.withLock { $0.position } }

    // MARK: Joining

    /// Registers this node, loads the newest snapshot and applies the log after it.
    func join() async throws {
        let id = try await log.registerNode(address: configuration.address)
        state.environment.connections.use(node: id)
        metrics.clusterNode.set(Double(id))
        if let snapshot = try await log.latestSnapshot() {
            try restore(snapshot)
        }
        try await catchUp()
        adoptRules()
        logger.info("joined the cluster as node \(id) at log position \(position)")
    }

    private func restore(_ snapshot: LiveLogSnapshot) throws {
        let decoded = try JSONDecoder().decode(LiveSnapshot.self, from: Data(snapshot.body.utf8))
        applied.withLock { applied in
            state.restore(decoded)
            applied.position = snapshot.position
        }
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
            }
        } onGracefulShutdown: {
            self.stop()
        }
        // Hand this node's accounts on now rather than after their leases lapse.
        try? await log.releaseLeases(node: node)
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
                guard let snapshot = try await log.latestSnapshot(), snapshot.position >= from else {
                    throw StoreError.unavailable("the live log has a gap after \(from) and no snapshot covers it")
                }
                logger.warning("fell behind the live log (at \(from), log starts at \(first.position)); reloading the snapshot at \(snapshot.position)")
                try restore(snapshot)
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
                state.apply(record, position: batch.position, startedAtNanos: started)
                if batch.node == node, let ticket = record.ticket { lastTicket = max(lastTicket, ticket) }
                if case .gone(let nodes, _) = record.command, nodes.contains(node) { declaredGone = true }
            }
            applied.position = batch.position
            applied.logBytes += body.utf8.count
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
        var schedule = SnapshotSchedule(interval: configuration.snapshotInterval, logShare: configuration.snapshotLogShare, now: .now)
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
                let logBytes = applied.withLock { $0.logBytes }
                if schedule.isDue(now: .now, logBytes: logBytes) {
                    let started = ContinuousClock.now
                    let (saved, bytes) = try await saveSnapshot()
                    let prune = schedule.saved(position: saved, bytes: bytes, took: .now - started, now: .now, logBytes: logBytes)
                    if let prune { try await log.prune(before: prune) }
                }
            } catch {
                logger.warning("leader duties failed: \(error)")
            }
        }
    }

    /// Once a second: one lease round (renew, claim, adopt, hand on), then a tick for each
    /// account this node owns. Rounds are paced from their start, so ticks stay about a
    /// second apart however long the database takes to answer.
    private func ownershipLoop() async {
        var ownership = AccountOwnership(node: node, leaseSeconds: configuration.leaseSeconds)
        var failing = false
        while !isDone {
            let started = ContinuousClock.now
            do {
                let (log, node) = (self.log, self.node)
                let nodes = try await withDeadline(.seconds(5)) { try await log.nodes() }
                let round = ownership.round(accounts: state.openedAccountIDs(), nodes: nodes, now: started)
                let leases = try await withDeadline(.seconds(5)) { try await log.leaseRound(node: node, round) }
                let (gained, lost) = ownership.finished(leases, startedAt: started)
                if !gained.isEmpty { logger.info("node \(node) now owns \(gained.count) more accounts", metadata: ["accounts": "\(gained.prefix(20))"]) }
                if !lost.isEmpty { logger.info("node \(node) handed on \(lost.count) accounts", metadata: ["accounts": "\(lost.prefix(20))"]) }
                if failing { logger.notice("account leases renewed again") }
                failing = false
            } catch {
                if !isDone, !failing { logger.warning("cannot renew account leases (this node stops acting for its accounts once they lapse): \(error)") }
                failing = true
            }
            let owned = ownership.owned(now: .now)
            metrics.clusterOwnedAccounts.set(Double(owned.count))
            if !isStopping {
                let at = clock.nowMillis()
                for account in owned { submit(LiveRecord(account: account, command: .tick(at: at))) }
            }
            try? await Task.sleep(until: started + .seconds(1), clock: .continuous)
        }
        metrics.clusterOwnedAccounts.set(0.0)
    }

    /// Writes the state at the applied position; returns that position and the size.
    @discardableResult
    func saveSnapshot() async throws -> (position: Int64, bytes: Int) {
        let (position, snapshot) = applied.withLock { applied in (applied.position, state.snapshot()) }
        return (position, try await snapshots.save(snapshot, at: position))
    }
}
