import FoyerStore

/// The commands this node submitted that are not in the log yet, and the callers waiting
/// to see their own command applied. A value with no I/O: the bus keeps it under a lock.
struct ClusterOutbox {
    /// One append to the log: its unique id, its text, and the highest ticket in it.
    struct Batch: Equatable {
        let id: String
        let body: String
        let lastTicket: UInt64
    }

    private var records: [LiveRecord] = []
    private var nextTicket: UInt64 = 1
    private var batches: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    /// Highest ticket whose batch is in the log.
    private(set) var appendedTicket: UInt64 = 0
    private var closed = false

    /// Whether it is closed and everything in it was taken.
    var isDrained: Bool { closed && records.isEmpty }

    var isEmpty: Bool { records.isEmpty }

    /// Queues a command nobody waits for.
    mutating func add(_ record: LiveRecord) {
        records.append(record)
    }

    /// Queues a command whose caller waits until this node applied it; false once closed.
    mutating func add(_ record: LiveRecord, waiter: CheckedContinuation<Void, any Error>) -> Bool {
        guard !closed else { return false }
        var record = record
        record.ticket = nextTicket
        waiters[nextTicket] = waiter
        nextTicket += 1
        records.append(record)
        return true
    }

    /// Takes the next batch: the queued commands up to `maxBytes` (at least one).
    mutating func nextBatch(node: Int64, maxBytes: Int) -> Batch? {
        guard !records.isEmpty else { return nil }
        var body = LiveBatchCodec.start()
        var lastTicket: UInt64 = 0
        var taken = 0
        for record in records {
            let mark = body.count
            LiveBatchCodec.append(record, to: &body)
            if taken > 0 && body.count > maxBytes {
                body.removeSubrange(mark...)
                break
            }
            lastTicket = max(lastTicket, record.ticket ?? 0)
            taken += 1
        }
        records.removeFirst(taken)
        batches += 1
        return Batch(id: "\(node)-\(batches)", body: String(decoding: body, as: UTF8.self), lastTicket: lastTicket)
    }

    /// A batch is in the log.
    mutating func appended(through ticket: UInt64) {
        appendedTicket = max(appendedTicket, ticket)
    }

    /// The callers whose commands, up to `ticket`, were applied: theirs to resume.
    mutating func takeWaiters(through ticket: UInt64) -> [CheckedContinuation<Void, any Error>] {
        let due = waiters.filter { $0.key <= ticket }
        for key in due.keys { waiters[key] = nil }
        return Array(due.values)
    }

    /// No more waiting commands (the node is leaving).
    mutating func close() { closed = true }
}
