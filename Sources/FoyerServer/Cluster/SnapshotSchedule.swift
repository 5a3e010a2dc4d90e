/// When the leader writes the next snapshot, and how far back the log must stay.
///
/// A node joining loads the newest snapshot and replays the log after it, so a new
/// snapshot pays off once the log written since is a fair share of a snapshot; and a
/// big state takes seconds to write, which must stay under a tenth of the time.
struct SnapshotSchedule {
    private let interval: Duration
    private let logShare: Double
    private var next: ContinuousClock.Instant
    private var logBytesAtSnapshot = 0
    private var snapshotBytes = 0
    private var previousPosition: Int64?

    init(interval: Duration, logShare: Double, now: ContinuousClock.Instant) {
        self.interval = interval
        self.logShare = logShare
        next = now + interval
    }

    /// Whether a snapshot is due, given the log bytes applied since the node started.
    func isDue(now: ContinuousClock.Instant, logBytes: Int) -> Bool {
        now >= next && Double(logBytes - logBytesAtSnapshot) >= logShare * Double(snapshotBytes)
    }

    /// A snapshot was saved at `position`; returns the position before which the log may
    /// be pruned (the previous snapshot's, kept for nodes a little behind), if any.
    mutating func saved(position: Int64, bytes: Int, took: Duration, now: ContinuousClock.Instant, logBytes: Int) -> Int64? {
        logBytesAtSnapshot = logBytes
        snapshotBytes = bytes
        next = now + max(interval, took * 10)
        defer { previousPosition = position }
        return previousPosition
    }
}
