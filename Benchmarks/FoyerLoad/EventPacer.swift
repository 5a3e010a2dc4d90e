import NIOCore

/// Sends page changes at a steady rate, round-robin over the tracker sockets, from a 1 ms
/// tick on one event loop. Sends never wait for the server, so a slow server shows up
/// as latency, not as a lower send rate.
struct EventPacer: Sendable {
    /// How the sending went.
    struct Result: Sendable {
        var sent: Int
        var elapsedNanos: UInt64
        /// Worst delay of a send behind its planned time (the generator's own lag).
        var maxLagMicros: UInt64
    }

    private final class Progress {
        var sent = 0
        var maxLagNanos: UInt64 = 0
    }

    let trackers: [TrackerSocket]
    let eventsPerSecond: Double
    let total: Int

    func run(on loop: any EventLoop) async throws -> Result {
        let promise = loop.makePromise(of: Result.self)
        let trackers = self.trackers
        let rate = eventsPerSecond
        let total = self.total
        loop.execute {
            let progress = NIOLoopBound(Progress(), eventLoop: loop)
            let start = Monotonic.nanoseconds()
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
                let state = progress.value
                let now = Monotonic.nanoseconds()
                let due = min(total, Int(Double(now - start) * rate / 1e9) + 1)
                while state.sent < due {
                    let seq = state.sent
                    let planned = start + UInt64(Double(seq) / rate * 1e9)
                    if now > planned { state.maxLagNanos = max(state.maxLagNanos, now - planned) }
                    trackers[seq % trackers.count].sendPage(seq: seq)
                    state.sent += 1
                }
                if state.sent == total {
                    task.cancel()
                    promise.succeed(Result(sent: state.sent, elapsedNanos: Monotonic.nanoseconds() - start, maxLagMicros: state.maxLagNanos / 1000))
                }
            }
        }
        return try await promise.futureResult.get()
    }
}
