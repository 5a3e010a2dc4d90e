import NIOCore
import NIOWebSocket

/// A WebSocket message arriving in fragments, joined with the limits NIO's
/// `NIOWebSocketFrameAggregator` would apply: at most `maxFragments` fragments and
/// `maxBytes` in all, no empty non-final fragment.
///
/// Tracker sockets join fragments themselves: browsers send each small tracker message as
/// one frame, and a pipeline handler for the rare fragmented one would cost every idle
/// socket a handler and a context (measured with heaptrack). A class: the handler keeps
/// a reference (8 bytes) rather than the whole state inline for the rare message.
final class FragmentedMessage {
    /// Why a fragment was refused.
    enum Refusal: Error {
        /// Too many fragments or too many bytes (closed with 1009).
        case tooBig
        /// A continuation without a start, a new message before the last one ended, or
        /// an empty non-final fragment (closed with 1002).
        case outOfSequence
    }

    let opcode: WebSocketOpcode
    private var data: ByteBuffer
    private var fragments = 1
    private let maxFragments: Int
    private let maxBytes: Int

    /// Starts a message with its first, non-final fragment.
    init(first frame: WebSocketFrame, maxFragments: Int, maxBytes: Int) throws(Refusal) {
        guard frame.length > 0 else { throw .outOfSequence }
        guard frame.length <= maxBytes, maxFragments > 1 else { throw .tooBig }
        opcode = frame.opcode
        data = frame.unmaskedData
        self.maxFragments = maxFragments
        self.maxBytes = maxBytes
    }

    /// Adds a continuation; returns the whole message once `frame` is the final one.
    func append(_ frame: WebSocketFrame) throws(Refusal) -> WebSocketFrame? {
        guard frame.fin || frame.length > 0 else { throw .outOfSequence }
        guard fragments < maxFragments, data.readableBytes + frame.length <= maxBytes else { throw .tooBig }
        fragments += 1
        var payload = frame.unmaskedData
        data.writeBuffer(&payload)
        return frame.fin ? WebSocketFrame(fin: true, opcode: opcode, data: data) : nil
    }
}
