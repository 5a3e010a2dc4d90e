import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Opens WebSocket client connections to the server from a chosen local address and
/// hands the upgraded channel to a handler-installing closure (plain NIO handlers, no
/// task per socket).
struct WebSocketDialer: Sendable {
    /// How an upgrade attempt ended.
    enum Outcome: Sendable {
        case upgraded(any Channel)
        /// The server answered with this HTTP status instead of switching protocols.
        case refused(UInt)
    }

    /// What the upgrade handler yields; the status of a refusal arrives after it.
    private enum Negotiation: Sendable {
        case upgraded(any Channel)
        case refused(EventLoopFuture<UInt>)
    }

    let server: SocketAddress
    let hostHeader: String
    let connectTimeout: TimeAmount

    func dial(
        on loop: any EventLoop,
        from source: SocketAddress?,
        path: String,
        headers extra: [(String, String)] = [],
        maxFrameSize: Int = 1 << 14,
        install: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> Outcome {
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
        if let source { bootstrap = bootstrap.bind(to: source) }
        let hostHeader = self.hostHeader
        let result = try await bootstrap.connect(to: server) { channel in
            channel.eventLoop.makeCompletedFuture {
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: hostHeader)
                for (name, value) in extra { headers.add(name: name, value: value) }
                let upgrader = NIOTypedWebSocketClientUpgrader<Negotiation>(maxFrameSize: maxFrameSize) { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try install(channel)
                        return Negotiation.upgraded(channel)
                    }
                }
                let configuration = NIOTypedHTTPClientUpgradeConfiguration<Negotiation>(
                    upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers),
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        // The buffered response is replayed to the handler added here.
                        let status = channel.eventLoop.makePromise(of: UInt.self)
                        return channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(RefusalCatcher(status: status))
                            return Negotiation.refused(status.futureResult)
                        }
                    }
                )
                var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                // The server may send its first frame in the same segment as the 101.
                pipeline.leftOverBytesStrategy = .forwardBytes
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
            }
        }
        switch try await result.get() {
        case .upgraded(let channel):
            return .upgraded(channel)
        case .refused(let status):
            return .refused(try await status.get())
        }
    }
}

/// Reads the status of a refused upgrade, then closes the connection.
private final class RefusalCatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let status: EventLoopPromise<UInt>
    private var answered = false

    init(status: EventLoopPromise<UInt>) { self.status = status }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), !answered {
            answered = true
            status.succeed(head.status.code)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !answered {
            answered = true
            status.succeed(0)
        }
        context.fireChannelInactive()
    }
}
