import NIOCore
import NIOWebSocket

/// The handle the live state keeps for one tracker socket, to stop it from any thread.
final class TrackerLink: TrackerConnection {
    let tab: String
    let channel: any Channel

    init(tab: String, channel: any Channel) {
        self.tab = tab
        self.channel = channel
    }

    func send(_ message: String) {
        channel.writeAndFlush(WebSocketFrame.text(Array(message.utf8), allocator: channel.allocator), promise: nil)
    }

    func stop(code: UInt16, reason: String, message: String?) {
        channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: code, reason: reason, lastMessage: message))
    }
}
