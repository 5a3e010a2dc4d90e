import Crypto
import Foundation
import HTTPTypes
import NIOCore
import NIOWebSocket

/// The first handler of every connection: upgrades the common tracker socket on the event
/// loop, without the general HTTP pipeline.
///
/// A tab's upgrade request (`GET /track?site=…` with the usual WebSocket headers, see
/// ``TrackerUpgradeRequest``) whose site key the gate can decide at once is answered here:
/// the 101 is written straight away and the tracker's handler takes the handler's place.
/// That spares each new tab an HTTP decoder, a response encoder, an upgrade handler and
/// their removal, which were a quarter of the server's work per new tab. Anything else
/// (pages, API calls, dashboard feeds, trackers of an account not loaded yet, requests
/// outside the narrow shape) goes to the general pipeline with every byte read so far, and
/// is answered there exactly as if this handler did not exist.
final class FirstRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let gate: SocketGate
    /// The connection's first-request deadline and its place among its address's
    /// connections still in their request; finished once this handler decides.
    private let watch: FirstRequestWatch
    private let result: EventLoopPromise<FoyerChannel.UpgradeResult>
    /// Configures the general pipeline behind this handler.
    private let general: (any Channel) throws -> EventLoopFuture<FoyerChannel.UpgradeResult>
    private var buffered: ByteBuffer?
    private var done = false

    init(
        gate: SocketGate, watch: FirstRequestWatch, result: EventLoopPromise<FoyerChannel.UpgradeResult>,
        general: @escaping (any Channel) throws -> EventLoopFuture<FoyerChannel.UpgradeResult>
    ) {
        self.gate = gate
        self.watch = watch
        self.result = result
        self.general = general
    }

    /// Receive buffers until the first request is read: NIO keeps each socket's receive
    /// buffer for reuse and never shrinks it, so the request is read in 512-byte pieces
    /// rather than let one larger read leave an idle tab holding a larger buffer for hours.
    static let firstReads = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 512)
    /// Afterwards: small and adaptive (most sockets are idle tabs), growing for bulk reads.
    static let laterReads = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !done else {
            context.fireChannelRead(wrapInboundOut(bytes))
            return
        }
        // True once `bytes` is this handler's own buffer, not the one NIO read into.
        var own = false
        if var earlier = buffered {
            buffered = nil  // so the append below needs no copy
            earlier.writeBuffer(&bytes)
            bytes = earlier
            own = true
        }
        let reading = TrackerUpgradeRequest.read(bytes)
        if case .needMore = reading {
            // A copy: holding the read buffer itself would make NIO allocate a second one
            // for the next read, and keep both.
            buffered = own ? bytes : ByteBuffer(bytes: bytes.readableBytesView)
            return
        }
        done = true
        guard case .request(let request, let headBytes) = reading else { return handOver(context, bytes) }
        switch gate.decideNow(head: request.head, channel: context.channel) {
        case .tracker(let setup):
            watch.finish()
            bytes.moveReaderIndex(forwardBy: headBytes)
            upgrade(context, key: request.key, setup: setup, rest: bytes)
        case .refuse(let status, let message):
            watch.finish()
            refuse(context, status: status.code, reason: status.reasonPhrase, message: message)
        case .feed, nil:
            // The store must be asked (or it is not a tracker): the general path decides.
            handOver(context, bytes)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            watch.finish()
            result.fail(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard done else {
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    /// Answers 101 and leaves the socket to a ``TrackerSocketHandler``.
    private func upgrade(_ context: ChannelHandlerContext, key: String, setup: TrackerSetup, rest: ByteBuffer) {
        // The tracker's handler sets its own receive allocator when it is added (``TrackerSocketHandler/reads``).
        var response = context.channel.allocator.buffer(capacity: 129)
        response.writeString(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Self.accept(key) + "\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        do {
            // The handler encodes its frames itself: no NIO encoder per idle tab.
            try context.pipeline.syncOperations.addHandler(TrackerSocketHandler(setup: setup))
        } catch {
            // Nothing holds the connection's place in the address limit now.
            gate.limiter.release(setup.clientAddress)
            result.succeed(.done)
            context.close(promise: nil)
            return
        }
        // Frames sent before the 101 arrived (browsers do not) are read like any other.
        if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        result.succeed(.done)
    }

    /// Answers a refused upgrade with its status and a JSON message, then closes.
    private func refuse(_ context: ChannelHandlerContext, status: Int, reason: String, message: String) {
        let body = ErrorBody.json(message)
        var response = context.channel.allocator.buffer(capacity: 160 + body.utf8.count)
        response.writeString(
            "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n"
                + body)
        context.writeAndFlush(wrapOutboundOut(response)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        result.succeed(.done)
    }

    /// Installs the general pipeline behind this handler, hands it every byte read so far
    /// and leaves.
    private func handOver(_ context: ChannelHandlerContext, _ bytes: ByteBuffer) {
        try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.laterReads)
        do {
            result.completeWith(try general(context.channel))
        } catch {
            result.fail(error)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// `Sec-WebSocket-Accept` for a key (RFC 6455 section 4.2.2).
    static func accept(_ key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }
}
