import Histogram
import NIOCore
import Synchronization

/// Event→dashboard latency of every page change, as each dashboard received it.
///
/// Only the first receipt of a sequence number per dashboard counts, and only numbers
/// the pacer sent in this run; the rest are tallied as duplicates or foreign messages.
final class FeedRecorder: Sendable {
    /// What the dashboards received.
    struct Tally: Sendable {
        var latencyMicros = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var received: [Int]
        var duplicates = 0
        var otherMessages = 0
        var closedDashboards = 0
    }

    private struct State {
        var tally: Tally
        var seen: [[Bool]]
    }

    private let state: Mutex<State>
    private let expected: Int

    init(dashboards: Int, expectedEvents: Int) {
        expected = expectedEvents
        state = Mutex(
            State(
                tally: Tally(received: Array(repeating: 0, count: dashboards)),
                seen: Array(repeating: Array(repeating: false, count: expectedEvents), count: dashboards)))
    }

    func receive(dashboard: Int, payload: ByteBuffer, at receivedAt: UInt64) {
        guard let (seq, sentNanos) = PageMarker.latest(in: payload), seq < expected else {
            state.withLock { $0.tally.otherMessages += 1 }
            return
        }
        let micros = receivedAt > sentNanos ? (receivedAt - sentNanos) / 1000 : 0
        state.withLock { state in
            guard !state.seen[dashboard][seq] else {
                state.tally.duplicates += 1
                return
            }
            state.seen[dashboard][seq] = true
            state.tally.received[dashboard] += 1
            _ = state.tally.latencyMicros.record(micros)
        }
    }

    func dashboardClosed() { state.withLock { $0.tally.closedDashboards += 1 } }

    /// How many events the slowest dashboard has received so far.
    var slowestReceived: Int { state.withLock { $0.tally.received.min() ?? 0 } }

    var tally: Tally { state.withLock { $0.tally } }
}
