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
/// the events makes bigger, not more, writes. On graceful shutdown the queue is drained
/// before the service returns.
final class EntryWriter: Service, Sendable {
    private let store: any Store
    private let logger: Logger
    private let pending = Mutex(EntryChangeQueue())
    private let signal: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    /// How long to gather changes before a commit.
    private let batchWindow: Duration

    init(store: any Store, logger: Logger, batchWindow: Duration = .milliseconds(10)) {
        self.store = store
        self.logger = logger
        self.batchWindow = batchWindow
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

    /// How many changes wait for the next commit.
    var queuedChanges: Int { pending.withLock { $0.count } }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                try? await Task.sleep(for: batchWindow)
                await flush()
            }
        } onGracefulShutdown: {
            self.signal.finish()
        }
        await flush()
    }

    /// Writes everything queued so far.
    func flush() async {
        let batch = pending.withLock { queue in
            defer { queue = EntryChangeQueue() }
            return queue.batch()
        }
        guard !batch.isEmpty else { return }
        var attempt = 0
        while true {
            do {
                try await store.apply(batch)
                return
            } catch {
                attempt += 1
                logger.error("writing \(batch.count) entry changes failed (attempt \(attempt)): \(error)")
                guard attempt < 5 else { return }
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }
}
