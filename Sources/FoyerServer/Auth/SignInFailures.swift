import Crypto
import Synchronization

/// Failed sign-ins, limited per client address and per address-and-email pair: 5 at
/// once, then one per 12 s each.
///
/// Not per email alone: five failures from rotating addresses would then lock the
/// email's owner out from everywhere. Guessing one user's password from many addresses
/// stays slow through bcrypt's cost. Keys are fixed-size digests (an email may be
/// megabytes before it is refused), and the table drops buckets that have refilled as
/// it doubles and every minute, so failures cannot grow memory without bound.
final class SignInFailures: Sendable {
    private struct Table {
        var buckets: [[UInt8]: RateBucket] = [:]
        /// The size at which refilled buckets are dropped next.
        var pruneAt = SignInFailures.minimumPruneSize
        var prunedAtNanos: UInt64 = 0
    }

    static let burst: Double = 5
    static let perSecond: Double = 1.0 / 12
    static let minimumPruneSize = 1024
    private let table = Mutex(Table())

    /// Whether a sign-in may be tried: only failures use up the allowance.
    func allows(address: String, email: String, nowNanos: UInt64 = Monotonic.nanoseconds()) -> Bool {
        let keys = Self.keys(address: address, email: email)
        return table.withLock { table in keys.allSatisfy { table.buckets[$0]?.canTake(nowNanos: nowNanos) ?? true } }
    }

    func record(address: String, email: String, nowNanos: UInt64 = Monotonic.nanoseconds()) {
        let keys = Self.keys(address: address, email: email)
        table.withLock { table in
            for key in keys {
                var bucket = table.buckets[key] ?? RateBucket(rate: Self.perSecond, burst: Self.burst, nowNanos: nowNanos)
                _ = bucket.take(nowNanos: nowNanos)
                table.buckets[key] = bucket
            }
            // When it has doubled, or a minute after the last time (a bucket refills in 60 s).
            if table.buckets.count >= table.pruneAt || nowNanos &- table.prunedAtNanos > 60_000_000_000 {
                table.prunedAtNanos = nowNanos
                table.buckets = table.buckets.filter { !$0.value.isFull(nowNanos: nowNanos) }
                table.pruneAt = max(Self.minimumPruneSize, table.buckets.count * 2)
            }
        }
    }

    /// Buckets held (for tests).
    var count: Int { table.withLock { $0.buckets.count } }

    private static func keys(address: String, email: String) -> [[UInt8]] {
        [Array(SHA256.hash(data: Array(("address\n" + address).utf8))), Array(SHA256.hash(data: Array(("pair\n" + address + "\n" + email).utf8)))]
    }
}
