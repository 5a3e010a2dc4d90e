import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FoyerCore
import FoyerStore
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// This node's link to the cluster's shared live state.
///
/// Commands submitted here are appended to the log in batches (one append, one commit,
/// one notification per batch, never one per event: `NOTIFY` serialises commits) and
/// applied only when they come back from the log, in the log's order, on every node
/// alike. A lost connection is followed by catching up from the log; a node that fell
/// behind the log's pruned start reloads the newest snapshot; a node declared gone asks
/// its tabs to greet again. The leader (whoever holds an advisory lock on its own
/// connection) sends the once-a-second tick, declares silent nodes gone and writes snapshots.
final class ClusterBus: Service, Sendable {
    let log: any LiveLog
    private let configuration: ClusterConfiguration
    private let clock: any WallClock
    private let metrics: FoyerMetrics
    private let logger: Logger
    private let nodeID = Atomic<Int64>(0)
    private let stopping = Atomic<Bool>(false)
    private let outbox = Mutex(Outbox())
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    /// The applied position and the hub; held while a batch is applied or a snapshot taken.
    private let applied = Mutex(Applied())
    private let subscription = Mutex<(any LiveLogSubscription)?>(nil)
    /// Most bytes of commands per batch. A quiet node's batches are small and travel in
    /// their notification (up to ~7.9 KB); a busy node's queue goes out in one larger
    /// batch that the others fetch, because with one append in flight per node a cap
    /// at notification size would limit a node to one notification's worth per round trip.
    private static let batchBytes = 256 * 1024

    private struct Outbox {
        var records: [LiveRecord] = []
        var nextTicket: UInt64 = 1
        var batches: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        /// Highest ticket whose batch is in the log.
        var appendedTicket: UInt64 = 0
        var closed = false
    }

    private struct Applied {
        var position: Int64 = 0
        var hub: LiveHub?
        /// Bytes of batches applied since this node started (for the snapshot rule).
        var logBytes = 0
    }

    init(log: any LiveLog, configuration: ClusterConfiguration, clock: any WallClock, metrics: FoyerMetrics, logger: Logger) {
        self.log = log
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// This node's id (0 before it joined).
    var node: Int64 { nodeID.load(ordering: .relaxed) }

    /// Whether the loops should end: stopping, or the server's task was cancelled.
    private var isDone: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Whether this node is leaving the cluster.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// The log position this node's state reflects.
    var position: Int64 { applied.withLock { $0.position } }

    // MARK: Joining

    /// Registers this node, loads the newest snapshot and applies the log after it.
    func join(hub: LiveHub) async throws {
        applied.withLock { $0.hub = hub }
        let id = try await log.registerNode(address: configuration.address)
        nodeID.store(id, ordering: .relaxed)
        hub.useNode(id)
        if let snapshot = try await log.latestSnapshot() {
            try restore(snapshot, hub: hub)
        }
        try await catchUp()
        hub.adoptRules()
        logger.info("joined the cluster as node \(id) at log position \(position)")
    }

    private func restore(_ snapshot: LiveLogSnapshot, hub: LiveHub) throws {
        let decoded = try JSONDecoder().decode(LiveSnapshot.self, from: Data(snapshot.body.utf8))
        applied.withLock { state in
            hub.restore(decoded)
            state.position = snapshot.position
        }
    }

    // MARK: Submitting

    /// Queues a command for the log.
    func submit(_ record: LiveRecord) {
        outbox.withLock { $0.records.append(record) }
        wake.yield()
    }

    /// Queues a command and returns once this node has applied it from the log.
    func submitAndWait(_ record: LiveRecord) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let refused = outbox.withLock { box -> Bool in
                guard !box.closed else { return true }
                var record = record
                record.ticket = box.nextTicket
                box.waiters[box.nextTicket] = continuation
                box.nextTicket += 1
                box.records.append(record)
                return false
            }
            if refused {
                continuation.resume(throwing: StoreError.unavailable("the server is stopping"))
            } else {
                wake.yield()
            }
        }
    }

    /// Takes the next batch: the queued commands, up to ``batchBytes``.
    private func nextBatch() -> (id: String, body: String, lastTicket: UInt64)? {
        outbox.withLock { box in
            guard !box.records.isEmpty else { return nil }
            var body = LiveBatchCodec.start()
            var lastTicket: UInt64 = 0
            var taken = 0
            for record in box.records {
                let mark = body.count
                LiveBatchCodec.append(record, to: &body)
                if taken > 0 && body.count > Self.batchBytes {
                    body.removeSubrange(mark...)
                    break
                }
                lastTicket = max(lastTicket, record.ticket ?? 0)
                taken += 1
            }
            box.records.removeFirst(taken)
            box.batches += 1
            return ("\(node)-\(box.batches)", String(decoding: body, as: UTF8.self), lastTicket)
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
            }
        } onGracefulShutdown: {
            self.stop()
        }
        try? await log.removeNode(node)
    }

    /// Tells the cluster this node is going (its tabs reconnect elsewhere), then lets
    /// the writer drain and the loops end.
    private func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        submit(LiveRecord(account: nil, command: .gone(nodes: [node], at: clock.nowMillis())))
        outbox.withLock { $0.closed = true }
        wake.yield()
    }

    /// Appends batches in order, retrying each until the log has it.
    private func writeLoop() async {
        var iterator = wakeups.makeAsyncIterator()
        while true {
            while let batch = nextBatch() {
                let started = ContinuousClock.now
                await append(batch)
                // Every node wakes for every batch of every node: under load, gather what
                // arrives in the meantime instead of appending each command on its own.
                let next = started + configuration.appendInterval
                if !isStopping, next > .now { try? await Task.sleep(until: next, clock: .continuous) }
            }
            let done = outbox.withLock { $0.closed && $0.records.isEmpty }
            if done { break }
            guard await iterator.next() != nil else { break }
        }
        // Nothing more to write: the listener can go.
        await subscription.withLock { $0 }?.close()
    }

    private func append(_ batch: (id: String, body: String, lastTicket: UInt64)) async {
        var delay = Duration.milliseconds(100)
        var attempts = 0
        while true {
            do {
                // Bounded: a query stuck on a connection the database dropped must not
                // stall this node's writes (the retry is safe: batch ids are unique).
                let log = self.log
                let node = self.node
                let started = Monotonic.nanoseconds()
                _ = try await Self.bounded(.seconds(5)) { try await log.append(node: node, batch: batch.id, body: batch.body) }
                metrics.clusterAppend.recordNanoseconds(Int64(Monotonic.nanoseconds() &- started))
                if batch.lastTicket > 0 { outbox.withLock { $0.appendedTicket = max($0.appendedTicket, batch.lastTicket) } }
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
                guard let snapshot = try await log.latestSnapshot(), snapshot.position >= from,
                    let hub = applied.withLock({ $0.hub })
                else {
                    throw StoreError.unavailable("the live log has a gap after \(from) and no snapshot covers it")
                }
                logger.warning("fell behind the live log (at \(from), log starts at \(first.position)); reloading the snapshot at \(snapshot.position)")
                try restore(snapshot, hub: hub)
                releaseAppendedWaiters()
                hub.rejoin()
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
        applied.withLock { state in
            guard batch.position > state.position, let hub = state.hub else { return }
            for record in records {
                hub.apply(record, position: batch.position, startedAtNanos: started)
                if batch.node == node, let ticket = record.ticket { lastTicket = max(lastTicket, ticket) }
            }
            state.position = batch.position
            state.logBytes += body.utf8.count
        }
        metrics.clusterBatchesApplied.increment()
        metrics.clusterPosition.set(Double(position))
        if lastTicket > 0 { releaseWaiters(through: lastTicket) }
    }

    private func releaseWaiters(through ticket: UInt64) {
        let ready = outbox.withLock { box in
            let due = box.waiters.filter { $0.key <= ticket }
            for key in due.keys { box.waiters[key] = nil }
            return Array(due.values)
        }
        for continuation in ready { continuation.resume() }
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
                try await Self.bounded(.seconds(5)) { try await log.heartbeat(node: node, address: address) }
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
        var nextSnapshot = ContinuousClock.now + configuration.snapshotInterval
        // The log written since the last snapshot, and that snapshot's size: a node
        // joining replays the one after loading the other, so a new snapshot pays off
        // once the log since is a fair share of a snapshot.
        var logBytesAtSnapshot = 0
        var snapshotBytes = 0
        var previousSnapshotPosition: Int64?
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
                    let gone = hub?.referencedNodes().subtracting(alive).subtracting([node]) ?? []
                    if !gone.isEmpty { submit(LiveRecord(account: nil, command: .gone(nodes: gone.sorted(), at: clock.nowMillis()))) }
                }
                submit(LiveRecord(account: nil, command: .tick(at: clock.nowMillis())))
                let expired = try await log.expireNodes(olderThanSeconds: configuration.nodeExpirySeconds)
                if !expired.isEmpty {
                    logger.warning("nodes \(expired) stopped answering; their tabs start their disconnect grace")
                    submit(LiveRecord(account: nil, command: .gone(nodes: expired, at: clock.nowMillis())))
                }
                let logSince = applied.withLock { $0.logBytes } - logBytesAtSnapshot
                if ContinuousClock.now >= nextSnapshot, Double(logSince) >= configuration.snapshotLogShare * Double(snapshotBytes) {
                    let started = ContinuousClock.now
                    let (saved, bytes) = try await saveSnapshot()
                    logBytesAtSnapshot += logSince
                    snapshotBytes = bytes
                    // A big state takes seconds to write; keep that under a tenth of the time.
                    nextSnapshot = .now + max(configuration.snapshotInterval, (ContinuousClock.now - started) * 10)
                    // Keep the log back to the previous snapshot, for nodes a little behind.
                    if let previous = previousSnapshotPosition { try await log.prune(before: previous) }
                    previousSnapshotPosition = saved
                }
            } catch {
                logger.warning("leader duties failed: \(error)")
            }
        }
    }

    private var hub: LiveHub? { applied.withLock { $0.hub } }

    /// Runs `operation`, failing with a timeout after `limit` (the operation is cancelled).
    static func bounded<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw StoreError.unavailable("no answer from the database within \(limit)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    /// Encodes a snapshot on a thread of its own at the lowest CPU priority: tens of
    /// thousands of entries take seconds to encode, which must not delay live events.
    private static func encodeInBackground(_ snapshot: LiveSnapshot) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                #if os(Linux)
                // On Linux the nice value is per thread: this lowers only this one.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
                #endif
                do {
                    continuation.resume(returning: String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "foyer-snapshot"
            thread.start()
        }
    }

    /// Writes the state at the applied position; returns that position and the size.
    @discardableResult
    func saveSnapshot() async throws -> (position: Int64, bytes: Int) {
        let started = ContinuousClock.now
        let (position, snapshot) = applied.withLock { state in (state.position, state.hub?.snapshot() ?? LiveSnapshot()) }
        let body = try await Self.encodeInBackground(snapshot)
        let encoded = ContinuousClock.now
        try await log.saveSnapshot(LiveLogSnapshot(position: position, body: body))
        #if os(Linux)
        // The encoder's buffers were several times the snapshot; give them back now
        // instead of keeping them as the leader's resident memory until the next one.
        _ = glibcMallocTrim(0)
        #endif
        metrics.clusterSnapshotSeconds.set((ContinuousClock.now - started) / .seconds(1))
        metrics.clusterSnapshotBytes.set(Double(body.utf8.count))
        logger.info("saved the live snapshot at \(position): \(body.utf8.count) bytes, encoded in \(encoded - started), stored in \(ContinuousClock.now - encoded)")
        return (position, body.utf8.count)
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (its header is not in the Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
