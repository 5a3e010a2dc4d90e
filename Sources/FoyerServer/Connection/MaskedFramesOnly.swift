import NIOCore
import NIOWebSocket

/// Closes a WebSocket whose client sends an unmasked frame (RFC 6455 section 5.1: "a
/// server MUST close the connection upon receiving a frame that is not masked") with
/// 1002. Masking is what keeps a script's bytes from being read as another protocol by
/// proxies between the browser and the server.
final class MaskedFramesOnly: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // Once refused, only the peer's answer to our close goes on.
        guard !refused || frame.opcode == .connectionClose else { return }
        guard frame.maskKey != nil || refused else {
            refused = true
            context.fireUserInboundEventTriggered(CloseRequest(code: 1002, reason: "frames from clients must be masked", lastMessage: nil))
            return
        }
        context.fireChannelRead(data)
    }
}
