import FoyerCore
import FoyerStore

/// The changes waiting for the store, coalesced: one per entry, one per browser, and
/// each account's clear.
///
/// A batch applies clears first, then the entries' latest saves and deletes, then the
/// browsers' first visits. That order gives the same rows as applying every change in
/// turn: a clear drops the account's changes queued before it, so whatever remains of
/// that account came after it.
struct EntryChangeQueue {
    private struct EntryKey: Hashable {
        let accountID: String
        let entryID: String
    }

    private struct BrowserKey: Hashable {
        let accountID: String
        let browserHash: String
    }

    private var cleared: [String] = []
    private var entries: [EntryKey: EntryChange] = [:]
    private var browsers: [BrowserKey: Int64] = [:]
    /// Each browser's latest visit count and sighting (issue 18).
    private var visits: [BrowserKey: (visits: Int, at: Int64)] = [:]

    /// How many changes the next batch holds.
    var count: Int { cleared.count + entries.count + browsers.count + visits.count }

    mutating func add(_ change: EntryChange) {
        switch change {
        case .save(let accountID, let entry):
            entries[EntryKey(accountID: accountID, entryID: entry.id)] = change
        case .delete(let accountID, let entryID):
            entries[EntryKey(accountID: accountID, entryID: entryID)] = change
        case .browserSeen(let accountID, let browserHash, let at):
            // The store keeps the first visit; so does the queue.
            let key = BrowserKey(accountID: accountID, browserHash: browserHash)
            if browsers[key] == nil { browsers[key] = at }
        case .browserVisit(let accountID, let browserHash, let count, let at):
            // The store keeps the highest count and the latest sighting; so does the queue.
            let key = BrowserKey(accountID: accountID, browserHash: browserHash)
            let held = visits[key]
            visits[key] = (max(held?.visits ?? 0, count), max(held?.at ?? at, at))
        case .clear(let accountID):
            entries = entries.filter { $0.key.accountID != accountID }
            if !cleared.contains(accountID) { cleared.append(accountID) }
        }
    }

    /// Adds changes in order (a batch taken earlier, to merge newer changes into it).
    mutating func add(contentsOf changes: [EntryChange]) {
        for change in changes { add(change) }
    }

    /// The changes to apply, in an order equivalent to the order they came in.
    func batch() -> [EntryChange] {
        var batch: [EntryChange] = []
        batch.reserveCapacity(count)
        for accountID in cleared { batch.append(.clear(accountID: accountID)) }
        // Deletes, then saves (one change per entry, so their order is free): runs of one
        // kind are single statements in the store.
        for change in entries.values { if case .delete = change { batch.append(change) } }
        for change in entries.values { if case .save = change { batch.append(change) } }
        for (key, at) in browsers { batch.append(.browserSeen(accountID: key.accountID, browserHash: key.browserHash, at: at)) }
        for (key, seen) in visits {
            batch.append(.browserVisit(accountID: key.accountID, browserHash: key.browserHash, visits: seen.visits, at: seen.at))
        }
        return batch
    }
}
