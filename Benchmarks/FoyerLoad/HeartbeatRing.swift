import NIOCore

/// Sends every open tracker socket of one event loop its heartbeat once per interval,
/// from one timer per loop: the interval is cut into one-second slots and each socket
/// joins a random slot, as each tab's own timer starts at a random moment. One timer per
/// socket would put 19,000 entries in the loop's timer heap, which every connect's
/// timeout then pays for.
final class HeartbeatRing: @unchecked Sendable {
    private let loop: any EventLoop
    /// Touched only on `loop`.
    private var slots: [[TrackerHandler]]
    private var position = 0
    private var timer: RepeatedTask?

    init(loop: any EventLoop, interval: TimeAmount) {
        self.loop = loop
        let count = max(1, Int(interval.nanoseconds / 1_000_000_000))
        slots = Array(repeating: [], count: count)
        let tick = TimeAmount.nanoseconds(interval.nanoseconds / Int64(count))
        timer = loop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { [weak self] _ in self?.beat() }
    }

    /// Adds an open socket; called on the loop.
    func join(_ handler: TrackerHandler) {
        loop.preconditionInEventLoop()
        slots[Int.random(in: 0..<slots.count)].append(handler)
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func beat() {
        position = (position + 1) % slots.count
        // Closed sockets leave the ring here, on their slot's turn.
        slots[position].removeAll { !$0.heartbeat() }
    }
}
