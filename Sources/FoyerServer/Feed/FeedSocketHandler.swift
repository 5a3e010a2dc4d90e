import Foundation
import NIOCore
import NIOWebSocket

/// A dashboard's live feed: the snapshot, then every change of the account.
final class FeedSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let live: LiveAccount
    private let viewer: FeedViewer
    private let metrics: FoyerMetrics
    private let maxQueuedBytes: Int
    /// Re-checks the feed's session now and then (``FeedSessionCheck``).
    private let sessionCheck: FeedSessionCheck?
    private var link: FeedLink?
    /// Set once our close frame is on its way: exactly one per socket.
    private var closeSent = false
    private static let pong = FeedMessage.pong.encoded()

    init(live: LiveAccount, viewer: FeedViewer, metrics: FoyerMetrics, maxQueuedBytes: Int, sessionCheck: FeedSessionCheck? = nil) {
        self.sessionCheck = sessionCheck
        self.live = live
        self.viewer = viewer
        self.metrics = metrics
        self.maxQueuedBytes = maxQueuedBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The upgrade put NIO's frame encoder first; the feed's frames enter after it.
        guard let writer = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self) else {
            context.close(promise: nil)
            return
        }
        let link = FeedLink(
            channel: context.channel, writer: writer, userID: viewer.userID, sessionHash: viewer.sessionHash,
            watches: viewer.watches, metrics: metrics, maxQueuedBytes: maxQueuedBytes)
        self.link = link
        live.subscribe(link)
        sessionCheck?.start(on: context.channel, sessionHash: viewer.sessionHash)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // The queue waits in the link while the peer is not reading.
        if context.channel.isWritable { link?.drain() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        unsubscribe()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        unsubscribe()
    }

    private func unsubscribe() {
        sessionCheck?.stop()
        guard let link else { return }
        live.unsubscribe(link)
        self.link = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let request = event as? CloseRequest else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        close(context, code: request.code, reason: request.reason)
    }

    private func close(_ context: ChannelHandlerContext, code: UInt16, reason: String) {
        unsubscribe()
        guard !closeSent else { return }
        closeSent = true
        context.channel.closeWebSocket(code: code, reason: reason)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let text = String(buffer: frame.unmaskedData)
            if text.replacingOccurrences(of: " ", with: "") == #"{"type":"ping"}"# {
                context.writeAndFlush(wrapOutboundOut(.text(Self.pong, allocator: context.channel.allocator)), promise: nil)
            } else {
                close(context, code: 1008, reason: "unexpected message")
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            // The peer's close, or its answer to ours: answer only if we have not closed.
            if closeSent {
                context.close(promise: nil)
            } else {
                close(context, code: 1000, reason: "bye")
            }
        case .binary:
            close(context, code: 1008, reason: "unexpected message")
        default:
            break
        }
    }
}
