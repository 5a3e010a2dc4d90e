import FoyerStore
import Logging
import ServiceLifecycle
import Synchronization

/// Persists the live state's changes in batches, off the connection path.
///
/// Changes are queued under the account's lock as they happen and written in one
/// transaction every few milliseconds, so a burst of page views costs one commit. The
/// queue keeps only the latest change of each entry (the row holds the whole entry, so
/// the last save or delete is all the store needs), which bounds it by the number of
/// entries changed since the last commit, not by the event rate: a store slower than
/// the events makes bigger, not more, writes.
///
/// A write that fails (a full disk, a database restarting) is retried until it is
/// stored: the failed batch stays in memory, newer changes are merged into it as they
/// come (still one change per entry, so memory stays bounded while storage is away),
/// and nothing is dropped. When a write succeeds after failures, the ``onRecovered(_:)``
/// actions run (the server asks every tab to greet again, so whatever a tab holds is
/// stored again whatever happened meanwhile). On graceful shutdown the queue is drained
/// before the service returns; if storage is still failing, shutdown waits at most
/// `shutdownPatience` and then logs how many changes were not stored (a cancelled task
/// gives up at once).
final class EntryWriter: Service, Sendable {
    private let store: any Store
    private let logger: Logger
    private let pending = Mutex(EntryChangeQueue())
    private let signal: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    /// How long to gather changes before a commit.
    private let batchWindow: Duration
    /// The first retry's delay; each further one doubles, up to `maxRetryDelay`.
    private let retryDelay: Duration
    private let maxRetryDelay: Duration
    private let shutdownPatience: Duration
    private let state = Mutex(State())

    private struct State {
        var recoveryActions: [@Sendable () -> Void] = []
        /// Consecutive failed writes; 0 while storage works.
        var failures = 0
        /// Set when graceful shutdown began.
        var stoppingSince: ContinuousClock.Instant?
    }

    init(
        store: any Store, logger: Logger, batchWindow: Duration = .milliseconds(10),
        retryDelay: Duration = .milliseconds(100), maxRetryDelay: Duration = .seconds(5),
        shutdownPatience: Duration = .seconds(10)
    ) {
        self.store = store
        self.logger = logger
        self.batchWindow = batchWindow
        self.retryDelay = retryDelay
        self.maxRetryDelay = maxRetryDelay
        self.shutdownPatience = shutdownPatience
        (wakeups, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues changes; a later change of the same entry replaces an earlier one.
    func enqueue(_ changes: [EntryChange]) {
        guard !changes.isEmpty else { return }
        pending.withLock { queue in
            for change in changes { queue.add(change) }
        }
        signal.yield()
    }

    /// How many changes wait for the next commit (not counting a batch being retried).
    var queuedChanges: Int { pending.withLock { $0.count } }

    /// Whether the last write failed (storage is away; changes wait in memory).
    var isFailing: Bool { state.withLock { $0.failures > 0 } }

    /// Runs `action` each time a write succeeds after one or more failed ones.
    func onRecovered(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.recoveryActions.append(action) }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                try? await Task.sleep(for: batchWindow)
                await flush()
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stoppingSince = .now }
            self.signal.finish()
        }
        await flush()
    }

    /// Writes everything queued so far, retrying until it is stored (or, once shutdown
    /// began, until `shutdownPatience` has passed).
    func flush() async {
        var batch = takePending()
        guard !batch.isEmpty else { return }
        var attempt = 0
        while true {
            do {
                try await store.apply(batch)
                recovered(after: attempt)
                return
            } catch {
                attempt += 1
                state.withLock { $0.failures += 1 }
                // 1, 2, 4, 8…: a long outage does not flood the log.
                if attempt & (attempt - 1) == 0 {
                    logger.error("writing \(batch.count) entry changes failed (attempt \(attempt)); retrying, nothing is dropped: \(error)")
                }
                // A cancelled task cannot write any more (the store refuses it): stop now.
                // A graceful shutdown waits for storage up to its patience.
                let stoppingSince = state.withLock { $0.stoppingSince }
                if Task.isCancelled || stoppingSince.map({ ContinuousClock.now - $0 >= shutdownPatience }) == true {
                    logger.critical("shutting down with storage failing: \(batch.count) entry changes were not stored; tabs that come back greet again")
                    return
                }
                try? await Task.sleep(for: delay(attempt: attempt))
                // Newer changes join the batch, so the retry writes each entry's latest state.
                let newer = takePending()
                if !newer.isEmpty {
                    var merged = EntryChangeQueue()
                    merged.add(contentsOf: batch)
                    merged.add(contentsOf: newer)
                    batch = merged.batch()
                }
            }
        }
    }

    private func takePending() -> [EntryChange] {
        pending.withLock { queue in
            defer { queue = EntryChangeQueue() }
            return queue.batch()
        }
    }

    private func delay(attempt: Int) -> Duration {
        var delay = retryDelay
        for _ in 1..<min(attempt, 16) where delay < maxRetryDelay { delay *= 2 }
        return min(delay, maxRetryDelay)
    }

    private func recovered(after attempts: Int) {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            defer { state.failures = 0 }
            return state.failures > 0 ? state.recoveryActions : []
        }
        guard !actions.isEmpty else { return }
        logger.notice("entry changes are stored again after \(attempts) failed attempts")
        for action in actions { action() }
    }
}
