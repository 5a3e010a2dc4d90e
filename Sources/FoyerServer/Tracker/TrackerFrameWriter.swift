import NIOCore
import NIOWebSocket

/// Writes the WebSocket frames a server sends a tracker (RFC 6455 section 5.2): header
/// and payload in one buffer, exactly as NIO's `WebSocketFrameEncoder` puts them on the wire.
///
/// Tracker sockets encode their frames themselves instead of through NIO's
/// `WebSocketFrameEncoder`, like ``TrackerFrameReader`` on the way in: that is an encoder
/// object, the header buffer it keeps and a pipeline context in every idle tab (~200
/// bytes, measured with heaptrack) for a handful of small frames per socket.
enum TrackerFrameWriter {
    /// The frame's bytes, ready for the socket.
    static func bytes(of frame: WebSocketFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = frame.length
        var buffer = allocator.buffer(capacity: 14 + length)
        var first = UInt8(webSocketOpcode: frame.opcode)
        if frame.fin { first |= 0x80 }
        if frame.rsv1 { first |= 0x40 }
        if frame.rsv2 { first |= 0x20 }
        if frame.rsv3 { first |= 0x10 }
        buffer.writeInteger(first)
        let mask: UInt8 = frame.maskKey == nil ? 0 : 0x80
        switch length {
        case ..<126:
            buffer.writeInteger(mask | UInt8(length))
        case ...Int(UInt16.max):
            buffer.writeInteger(mask | 126)
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(mask | 127)
            buffer.writeInteger(UInt64(length))
        }
        var extensionData = frame.extensionData
        var data = frame.data
        // Masked as NIO's encoder does when a key is set (server frames have none).
        if let key = frame.maskKey {
            buffer.writeBytes(key)
            extensionData?.webSocketMask(key)
            data.webSocketMask(key, indexOffset: (extensionData?.readableBytes ?? 0) % 4)
        }
        if var extensionData { buffer.writeBuffer(&extensionData) }
        buffer.writeBuffer(&data)
        return buffer
    }
}
