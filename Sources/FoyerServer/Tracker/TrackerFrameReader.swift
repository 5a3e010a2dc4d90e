import NIOCore
import NIOWebSocket

/// Reads WebSocket frames from a tracker socket's bytes, with the checks of NIO's
/// `WebSocketFrameDecoder`: a frame over `maxBytes` is refused (1009), a control frame
/// that is fragmented or longer than 125 bytes too (1002); and one check NIO leaves out,
/// an unmasked frame (RFC 6455 section 5.1: a client masks every frame), 1002.
///
/// Tracker sockets read their frames themselves instead of through NIO's decoder: that
/// is a `ByteToMessageHandler`, a decoder object and a pipeline context in every idle
/// tab (~300 bytes, measured with heaptrack) for messages that nearly always arrive
/// whole in one read. It keeps no state: a partial frame stays in the caller's buffer.
enum TrackerFrameReader {
    enum Refusal: Error {
        case tooBig
        /// A protocol error (1002): a fragmented or over-long control frame, or an unknown opcode.
        case badControlFrame
        /// A frame without a mask (1002; RFC 6455 section 5.1: a client masks every frame).
        case unmasked
    }

    /// The next whole frame at the buffer's reader index, consuming it; nil (consuming
    /// nothing) while its bytes have not all arrived.
    static func next(from buffer: inout ByteBuffer, maxBytes: Int) throws(Refusal) -> WebSocketFrame? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        var length = Int(second & 0x7f)
        var header = 2
        if length == 126 {
            guard let word = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(word)
            header = 4
        } else if length == 127 {
            guard let word = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            guard word <= UInt64(maxBytes) else { throw .tooBig }
            length = Int(word)
            header = 10
        }
        guard length <= maxBytes else { throw .tooBig }
        let isControl = first & 0x08 != 0
        if isControl, first & 0x80 == 0 || length > 125 { throw .badControlFrame }
        // Every 4-bit value is an opcode (unknown ones are ignored by the handler, as before).
        guard let opcode = WebSocketOpcode(encodedWebSocketOpcode: first & 0x0f) else { throw .badControlFrame }
        let masked = second & 0x80 != 0
        guard masked else { throw .unmasked }
        guard buffer.readableBytes >= header + (masked ? 4 : 0) + length else { return nil }
        buffer.moveReaderIndex(forwardBy: header)
        let maskKey = masked ? buffer.readBytes(length: 4).flatMap(WebSocketMaskingKey.init) : nil
        guard let data = buffer.readSlice(length: length) else { return nil }
        return WebSocketFrame(
            fin: first & 0x80 != 0, rsv1: first & 0x40 != 0, rsv2: first & 0x20 != 0, rsv3: first & 0x10 != 0,
            opcode: opcode, maskKey: maskKey, data: data)
    }
}
