import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The server's child channel: HTTP/1.1 for pages and API, and WebSocket upgrades for
/// tracker sockets and dashboard feeds on the same port.
///
/// An accepted WebSocket gets NIO handlers in its pipeline and `handle` returns at once,
/// so an idle tab holds no task; plain HTTP connections go to the Hummingbird responder.
struct FoyerChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        /// Answered on the event loop (a socket's handlers are installed, or its upgrade
        /// was refused): nothing more to do.
        case done
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HTTPResponse.Status, String)
    }

    struct Value: ServerChildChannelValue {
        let result: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let gate: SocketGate
    let pending: PendingConnections
    let idleTimeout: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Closed at once when its address already holds its share of connections that
            // have not sent a request yet; otherwise closed if no request head arrives in time.
            guard let watch = pending.admit(channel) else {
                channel.close(promise: nil)
                return Value(result: channel.eventLoop.makeFailedFuture(ChannelError.inputClosed), channel: channel)
            }
            // At most 512 bytes per read until the first request is known: a browser's
            // upgrade request is a little longer, and a socket keeps the largest receive
            // buffer it ever read into (FirstRequestHandler).
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: FirstRequestHandler.firstReads)
            // Most connections are new tabs, upgraded by this one handler; the rest get the
            // general pipeline once their first bytes show what they are.
            let result = channel.eventLoop.makePromise(of: UpgradeResult.self)
            try channel.pipeline.syncOperations.addHandler(
                FirstRequestHandler(gate: gate, watch: watch, result: result) { channel in
                    // Until its head is parsed, a request keeps its deadline and its place.
                    channel.closeFuture.whenComplete { _ in watch.finish() }
                    return try self.configureGeneral(channel, watch: watch, logger: logger)
                })
            return Value(result: result.futureResult, channel: channel)
        }
    }

    /// HTTP/1.1 with WebSocket upgrades for feeds and for trackers the fast path left.
    private func configureGeneral(_ channel: any Channel, watch: FirstRequestWatch, logger: Logger) throws -> EventLoopFuture<UpgradeResult> {
        let decision = NIOLoopBoundBox<SocketDecision?>(nil, eventLoop: channel.eventLoop)
        let gate = self.gate
        let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
            maxFrameSize: gate.configuration.maxFrameBytes,
            // Protocol errors are each socket handler's own (trackers close
            // themselves; feeds get NIO's handler): no extra handler per idle tab.
            enableAutomaticErrorHandling: false,
            shouldUpgrade: { channel, head in
                // Most trackers are decided right here; only the rest pay a task hop.
                let verdict: EventLoopFuture<SocketDecision>
                if let now = gate.decideNow(head: head, channel: channel) {
                    verdict = channel.eventLoop.makeSucceededFuture(now)
                } else {
                    let promise = channel.eventLoop.makePromise(of: SocketDecision.self)
                    promise.completeWithTask { await gate.decide(head: head, channel: channel) }
                    verdict = promise.futureResult
                }
                return verdict.map { verdict in
                    decision.value = verdict
                    if case .refuse = verdict { return nil }
                    return HTTPHeaders()
                }
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    watch.finish()
                    guard let verdict = decision.value else { throw ChannelError.inappropriateOperationForState }
                    let closer = try channel.pipeline.syncOperations.context(handlerType: ParseErrorCloser.self)
                    channel.pipeline.syncOperations.removeHandler(context: closer, promise: nil)
                    try gate.install(verdict, on: channel)
                    return UpgradeResult.done
                }
            }
        )
        let configuration = NIOTypedHTTPServerUpgradeConfiguration(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    watch.finish()
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionStateHandler(idleTimeout: self.idleTimeout, logger: logger))
                    let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    if let verdict = decision.value {
                        gate.abandon(verdict)
                        if case .refuse(let status, let message) = verdict {
                            return UpgradeResult.refused(http, status, message)
                        }
                    }
                    return UpgradeResult.http(http)
                }
            }
        )
        var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: configuration)
        pipeline.enablePipelining = false
        // A request NIO cannot parse (a folded header line, say) is answered 400 and
        // closed instead of left hanging; the handler leaves with the others on upgrade.
        pipeline.enableErrorHandling = true
        pipeline.enableResponseHeaderValidation = false
        let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
        try channel.pipeline.syncOperations.addHandler(ParseErrorCloser())
        return result
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.result.get() {
            case .done:
                return
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let status, let message):
                await refuse(http, status: status, message: message)
            }
        } catch {
            logger.debug("connection ended before its first request: \(error)")
        }
    }

    /// Answers a refused upgrade with its status and a JSON message, then closes.
    private func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, status: HTTPResponse.Status, message: String) async {
        let body = ErrorBody.json(message)
        try? await http.executeThenClose { _, outbound in
            let head = HTTPResponse(
                status: status,
                headerFields: [.contentType: "application/json", .contentLength: "\(body.utf8.count)", .connection: "close"])
            try await outbound.write(contentsOf: [.head(head), .body(ByteBuffer(string: body)), .end(nil)])
        }
    }
}
