import NIOCore
import NIOWebSocket

/// One simulated browser tab on its tracker socket: greets with `hello`, sends a
/// heartbeat like `foyer.js` (every 25 s, from a random phase), and sends page changes
/// when the pacer asks.
final class TrackerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The server's answer to `hello`.
    enum Greeting: String, Sendable {
        case ok, wait, off
    }

    private let hello: String
    private let heartbeatInterval: TimeAmount
    private let counters: TrackerCounters
    private var greeting: EventLoopPromise<Greeting>?
    private var heartbeat: RepeatedTask?
    private var channel: (any Channel)?

    init(hello: String, heartbeatInterval: TimeAmount, counters: TrackerCounters, greeting: EventLoopPromise<Greeting>) {
        self.hello = hello
        self.heartbeatInterval = heartbeatInterval
        self.counters = counters
        self.greeting = greeting
    }

    /// Greets the server and starts the heartbeat. Called once the upgrade has finished:
    /// NIO's client upgrade handler refuses writes while it is still in the pipeline.
    func start(channel: any Channel) {
        guard channel.isActive else { return }
        self.channel = channel
        Self.send(hello, on: channel)
        let phase = TimeAmount.nanoseconds(Int64.random(in: 0..<max(1, heartbeatInterval.nanoseconds)))
        let counters = self.counters
        heartbeat = channel.eventLoop.scheduleRepeatedTask(initialDelay: phase, delay: heartbeatInterval) { _ in
            Self.send(#"{"t":"h"}"#, on: channel)
            counters.heartbeatSent()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let text = String(buffer: frame.unmaskedData)
            if let greeting, let answer = Greeting.allCases.first(where: { text.contains(#""t":"\#($0.rawValue)""#) }) {
                self.greeting = nil
                greeting.succeed(answer)
            }
        case .connectionClose:
            counters.serverClosed()
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        heartbeat?.cancel()
        heartbeat = nil
        channel = nil
        counters.socketClosed()
        greeting?.fail(LoadError.closedBeforeGreeting)
        greeting = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Sends a page change; the send time is taken here, on the socket's event loop, just
    /// before the write.
    func sendPage(seq: Int) {
        guard let channel else {
            counters.pageOnClosedSocket()
            return
        }
        let url = PageMarker.url(seq: seq, sentNanos: Monotonic.nanoseconds())
        Self.send(#"{"t":"page","url":"\#(url)","title":"Page \#(seq)"}"#, on: channel)
    }

    /// Sends a masked text frame (clients must mask).
    static func send(_ text: String, on channel: any Channel) {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer), promise: nil)
    }
}

extension TrackerHandler.Greeting: CaseIterable {}
