import Synchronization

/// Caps tracker sockets per client address: how many at once and how many new per
/// second. A flood from one address is refused with 429 before the upgrade and harms
/// no one else.
final class AddressLimiter: Sendable {
    private struct Usage {
        var open: Int
        var bucket: RateBucket
    }

    private let usage = Mutex<[String: Usage]>([:])
    private let maxOpen: Int
    private let rate: Double
    private let burst: Double

    init(maxOpen: Int, rate: Double, burst: Double) {
        self.maxOpen = maxOpen
        self.rate = rate
        self.burst = burst
    }

    /// Reserves a place for a new socket; the caller must `release` it when the socket closes.
    func acquire(_ address: String) -> Bool {
        let now = Monotonic.nanoseconds()
        return usage.withLock { table in
            var entry = table[address] ?? Usage(open: 0, bucket: RateBucket(rate: rate, burst: burst, nowNanos: now))
            guard entry.open < maxOpen, entry.bucket.take(nowNanos: now) else {
                table[address] = entry
                return false
            }
            entry.open += 1
            table[address] = entry
            return true
        }
    }

    func release(_ address: String) {
        usage.withLock { table in
            guard var entry = table[address] else { return }
            entry.open -= 1
            table[address] = entry
        }
    }

    /// Forgets addresses with no open socket whose bucket has refilled; run periodically
    /// so the table does not grow with every address ever seen.
    func prune() {
        let now = Monotonic.nanoseconds()
        usage.withLock { table in
            table = table.filter { _, entry in entry.open > 0 || !entry.bucket.isFull(nowNanos: now) }
        }
    }
}
