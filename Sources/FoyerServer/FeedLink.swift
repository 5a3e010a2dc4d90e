import NIOCore
import Prometheus
import NIOWebSocket

/// The handle an account keeps for one dashboard feed. Writes hop to the socket's event
/// loop in call order, and the time to the write is recorded as feed latency.
final class FeedLink: FeedSubscriber {
    let channel: any Channel
    let userID: String
    let sessionHash: String
    private let metrics: FoyerMetrics

    init(channel: any Channel, userID: String, sessionHash: String, metrics: FoyerMetrics) {
        self.channel = channel
        self.userID = userID
        self.sessionHash = sessionHash
        self.metrics = metrics
    }

    func send(_ messages: [[UInt8]], startedAtNanos: UInt64) {
        let channel = self.channel
        let metrics = self.metrics
        channel.eventLoop.execute {
            for message in messages.dropLast() {
                channel.write(WebSocketFrame.text(message, allocator: channel.allocator), promise: nil)
            }
            guard let last = messages.last else { return }
            channel.writeAndFlush(WebSocketFrame.text(last, allocator: channel.allocator)).whenSuccess {
                metrics.feedLatency.recordNanoseconds(Int64(Monotonic.nanoseconds() &- startedAtNanos))
            }
        }
    }

    func close(code: UInt16, reason: String) {
        channel.closeWebSocket(code: code, reason: reason)
    }
}
