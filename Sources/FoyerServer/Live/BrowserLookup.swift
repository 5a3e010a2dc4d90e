import FoyerStore
import NIOCore
import Synchronization

/// Finds browsers' first visits and visit counts for greeting tabs, many in one query.
///
/// One query runs at a time; lookups that arrive meanwhile wait and go together in the
/// next. A lone tab costs what a single lookup did, a burst of new tabs one query and one
/// task per batch instead of a task, a thread hop and a statement each.
final class BrowserLookup: Sendable {
    private struct Waiting {
        let accountID: String
        let browserHash: String
        let promise: EventLoopPromise<BrowserVisits?>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = false
    }

    private let store: any Store
    private let state = Mutex(State())

    init(store: any Store) {
        self.store = store
    }

    /// What the account remembers of the browser, or nil if it was never seen; completes
    /// on `eventLoop`.
    func visits(accountID: String, browserHash: String, on eventLoop: any EventLoop) -> EventLoopFuture<BrowserVisits?> {
        let promise = eventLoop.makePromise(of: BrowserVisits?.self)
        let start = state.withLock { state in
            state.waiting.append(Waiting(accountID: accountID, browserHash: browserHash, promise: promise))
            defer { state.running = true }
            return !state.running
        }
        if start { Task { await self.run() } }
        return promise.futureResult
    }

    private func run() async {
        while true {
            let batch = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.running = false }
                return state.waiting
            }
            guard !batch.isEmpty else { return }
            for (accountID, waiting) in Dictionary(grouping: batch, by: \.accountID) {
                do {
                    let hashes = Array(Set(waiting.map(\.browserHash)))
                    let found = try await store.browserVisits(accountID: accountID, browserHashes: hashes)
                    for one in waiting { one.promise.succeed(found[one.browserHash]) }
                } catch {
                    for one in waiting { one.promise.fail(error) }
                }
            }
        }
    }
}
