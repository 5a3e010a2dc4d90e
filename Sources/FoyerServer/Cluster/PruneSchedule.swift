/// When the leader prunes the live log, and how far.
///
/// Each round reads the horizon (what every account's snapshot already holds) and prunes
/// only to the horizon of the round before, so a node a little behind the newest
/// snapshots still finds the log it needs.
struct PruneSchedule {
    private let interval: Duration
    private var next: ContinuousClock.Instant
    private var previous: Int64?

    init(interval: Duration, now: ContinuousClock.Instant) {
        self.interval = interval
        next = now + interval
    }

    func isDue(now: ContinuousClock.Instant) -> Bool { now >= next }

    /// This round found `horizon` (nil: nothing may be pruned yet); returns the position
    /// before which the log may be pruned now, if any.
    mutating func reached(_ horizon: Int64?, now: ContinuousClock.Instant) -> Int64? {
        next = now + interval
        defer { previous = horizon }
        guard let horizon, let previous, previous > 0 else { return nil }
        return min(previous, horizon)
    }
}
