import Histogram

/// How opening a batch of tracker sockets went.
struct ConnectTally: Sendable {
    var opened: [TrackerSocket] = []
    var failed = 0
    var retries = 0
    var waiting = 0
    /// Refusals by HTTP status (0: the connection closed without an answer).
    var refusals: [UInt: Int] = [:]
    var errors: [String: Int] = [:]
    /// TCP connect + upgrade + hello → `ok`, per socket.
    var latencyMicros = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    var elapsedNanos: UInt64 = 0

    var connectsPerSecond: Double { elapsedNanos == 0 ? 0 : Double(opened.count) / (Double(elapsedNanos) / 1e9) }
}
