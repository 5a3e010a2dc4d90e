import NIOCore
import NIOHTTP1

/// Closes a connection whose request NIO could not parse, once NIO's error handler has
/// answered it 400: nothing else in the pipeline would, and the connection would hang
/// open. It leaves when the connection becomes a WebSocket.
final class ParseErrorCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        context.close(promise: nil)
    }
}
