/// A token bucket: `rate` tokens per second up to `burst`.
struct RateBucket: Sendable {
    private var tokens: Double
    private var updatedNanos: UInt64
    let rate: Double
    let burst: Double

    init(rate: Double, burst: Double, nowNanos: UInt64) {
        self.rate = rate
        self.burst = burst
        tokens = burst
        updatedNanos = nowNanos
    }

    /// Takes one token; false when the bucket is empty.
    mutating func take(nowNanos: UInt64) -> Bool {
        let elapsed = Double(nowNanos &- updatedNanos) / 1_000_000_000
        updatedNanos = nowNanos
        tokens = min(burst, tokens + elapsed * rate)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whether a token could be taken now, without taking it.
    func canTake(nowNanos: UInt64) -> Bool {
        min(burst, tokens + Double(nowNanos &- updatedNanos) / 1_000_000_000 * rate) >= 1
    }

    /// Whether the bucket would be full by now (so forgetting it changes nothing).
    func isFull(nowNanos: UInt64) -> Bool {
        tokens + Double(nowNanos &- updatedNanos) / 1_000_000_000 * rate >= burst
    }
}
