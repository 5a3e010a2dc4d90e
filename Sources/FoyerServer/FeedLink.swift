import NIOCore
import NIOWebSocket
import Prometheus
import Synchronization

/// The handle an account keeps for one dashboard feed.
///
/// Messages queue here in publish order and are written by one task on the socket's event
/// loop, which takes everything queued by then and flushes once: under load a dashboard
/// costs one wake-up and one `writev` per batch, not per message.
final class FeedLink: FeedSubscriber {
    let channel: any Channel
    let userID: String
    let sessionHash: String
    private let metrics: FoyerMetrics
    private let pending = Mutex(Pending())

    private struct Pending {
        var messages: [[UInt8]] = []
        /// When the oldest queued message's event arrived (for the latency histogram).
        var oldestStart: UInt64 = 0
        var scheduled = false
    }

    init(channel: any Channel, userID: String, sessionHash: String, metrics: FoyerMetrics) {
        self.channel = channel
        self.userID = userID
        self.sessionHash = sessionHash
        self.metrics = metrics
    }

    func send(_ messages: [[UInt8]], startedAtNanos: UInt64) {
        let schedule = pending.withLock { pending in
            if pending.messages.isEmpty { pending.oldestStart = startedAtNanos }
            pending.messages.append(contentsOf: messages)
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        guard schedule else { return }
        channel.eventLoop.execute { self.drain() }
    }

    /// Writes everything queued, then flushes once.
    private func drain() {
        let (messages, started) = pending.withLock { pending in
            defer {
                pending.messages.removeAll(keepingCapacity: true)
                pending.scheduled = false
            }
            return (pending.messages, pending.oldestStart)
        }
        guard let last = messages.last else { return }
        for message in messages.dropLast() {
            channel.write(WebSocketFrame.text(message, allocator: channel.allocator), promise: nil)
        }
        let metrics = self.metrics
        channel.writeAndFlush(WebSocketFrame.text(last, allocator: channel.allocator)).whenSuccess {
            // The oldest event of the batch: the histogram never understates latency.
            metrics.feedLatency.recordNanoseconds(Int64(Monotonic.nanoseconds() &- started))
        }
    }

    func close(code: UInt16, reason: String) {
        channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: code, reason: reason, lastMessage: nil))
    }
}
