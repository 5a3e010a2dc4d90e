import NIOCore
import NIOWebSocket

/// The handle the live state keeps for one tracker socket, to stop it from any thread.
///
/// It holds the channel's pipeline, a plain class reference (8 bytes), rather than the
/// channel as `any Channel` (40): one of these stays alive per connected tab.
final class TrackerLink: TrackerConnection {
    let tab: String
    let remembers: Bool
    private let pipeline: ChannelPipeline
    private static let allocator = ByteBufferAllocator()

    init(tab: String, channel: any Channel, remembers: Bool) {
        self.tab = tab
        self.remembers = remembers
        pipeline = channel.pipeline
    }

    func send(_ message: String) {
        pipeline.writeAndFlush(WebSocketFrame.text(Array(message.utf8), allocator: Self.allocator), promise: nil)
    }

    func stop(code: UInt16, reason: String, message: String?) {
        pipeline.fireUserInboundEventTriggered(CloseRequest(code: code, reason: reason, lastMessage: message))
    }
}
