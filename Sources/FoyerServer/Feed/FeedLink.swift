import NIOCore
import NIOWebSocket
import Prometheus
import Synchronization

/// The handle an account keeps for one dashboard feed.
///
/// Messages queue here in publish order and are written by one task on the socket's event
/// loop, which takes everything queued by then and flushes once: under load a dashboard
/// costs one wake-up and one `writev` per batch, not per message.
///
/// The queue is bounded. Messages are handed to the channel only while it is writable
/// (NIO's write-buffer watermarks), so a dashboard that stops reading leaves them here;
/// once more than `maxQueuedBytes` wait, the queue is dropped and the feed is closed with
/// ``overflowCode`` (the page reconnects and resynchronises from a fresh snapshot). A
/// dashboard thus holds at most about `maxQueuedBytes` here plus the channel's high
/// watermark, however far behind it falls.
final class FeedLink: FeedSubscriber {
    /// The close code of a feed that fell too far behind (docs/PROTOCOL.md).
    static let overflowCode: UInt16 = 4008
    static let overflowReason = "too far behind"
    /// A closed feed whose peer does not answer the close frame (it is not reading) is
    /// dropped after this long, with whatever the channel still holds.
    static let closeGrace: TimeAmount = .seconds(10)

    let channel: any Channel
    /// Where framed bytes enter the pipeline: NIO's frame encoder's context, so they go
    /// to the socket as they are (each write after it skips the encoder).
    private let writer: NIOLoopBound<ChannelHandlerContext>
    let userID: String
    let sessionHash: String
    let watches: Bool
    private let metrics: FoyerMetrics
    private let maxQueuedBytes: Int
    private let pending = Mutex(Pending())

    private struct Pending {
        var frames: [ByteBuffer] = []
        var bytes = 0
        /// When the oldest queued message's event arrived (for the latency histogram).
        var oldestStart: UInt64 = 0
        var scheduled = false
        /// Set once the queue overflowed: nothing more is queued.
        var overflowed = false
    }

    init(
        channel: any Channel, writer: ChannelHandlerContext, userID: String, sessionHash: String, watches: Bool = true,
        metrics: FoyerMetrics, maxQueuedBytes: Int
    ) {
        self.channel = channel
        self.writer = NIOLoopBound(writer, eventLoop: channel.eventLoop)
        self.userID = userID
        self.sessionHash = sessionHash
        self.watches = watches
        self.metrics = metrics
        self.maxQueuedBytes = maxQueuedBytes
    }

    func send(_ frames: FeedFrames, startedAtNanos: UInt64) {
        enum Next { case nothing, drain, overflow }
        let next: Next = pending.withLock { pending in
            if pending.overflowed { return .nothing }
            let wasEmpty = pending.frames.isEmpty
            if wasEmpty { pending.oldestStart = startedAtNanos }
            pending.frames.append(frames.bytes)
            pending.bytes += frames.bytes.readableBytes
            // One message on an empty queue (a large account's snapshot) is always taken:
            // the bound is on how far behind a dashboard falls, not on the account's size.
            if pending.bytes > maxQueuedBytes, !wasEmpty || frames.count > 1 {
                pending.overflowed = true
                pending.frames = []
                pending.bytes = 0
                return .overflow
            }
            defer { pending.scheduled = true }
            return pending.scheduled ? .nothing : .drain
        }
        switch next {
        case .nothing:
            break
        case .drain:
            channel.eventLoop.execute { self.drain() }
        case .overflow:
            metrics.feedOverflows.increment()
            // Later, on the event loop: we are under the account's lock, which closing
            // takes again to unsubscribe.
            let channel = self.channel
            channel.eventLoop.execute {
                self.close(code: Self.overflowCode, reason: Self.overflowReason)
                channel.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
            }
        }
    }

    /// Writes everything queued, then flushes once. While the channel is not writable it
    /// leaves the queue (still marked scheduled, so sends add no wake-ups) until
    /// ``FeedSocketHandler`` calls again on the writability change; both run on the
    /// channel's event loop, where writability changes, so no wake-up is lost.
    func drain() {
        guard channel.isWritable else { return }
        let (frames, started) = pending.withLock { pending in
            defer {
                pending.frames.removeAll(keepingCapacity: true)
                pending.bytes = 0
                pending.scheduled = false
            }
            return (pending.frames, pending.oldestStart)
        }
        guard let last = frames.last else { return }
        let writer = self.writer.value
        for bytes in frames.dropLast() { writer.write(NIOAny(bytes), promise: nil) }
        let metrics = self.metrics
        let written = channel.eventLoop.makePromise(of: Void.self)
        writer.writeAndFlush(NIOAny(last), promise: written)
        written.futureResult.whenSuccess {
            // The oldest event of the batch: the histogram never understates latency.
            metrics.feedLatency.recordNanoseconds(Int64(Monotonic.nanoseconds() &- started))
        }
    }

    func close(code: UInt16, reason: String) {
        channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: code, reason: reason, lastMessage: nil))
    }
}
