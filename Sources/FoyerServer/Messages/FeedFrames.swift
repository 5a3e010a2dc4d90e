import NIOCore

/// Feed messages encoded once as WebSocket text frames, written as they are to every
/// dashboard of the account: each dashboard's write is a reference to the same bytes, with
/// no copy, frame object or header of its own.
struct FeedFrames: Sendable {
    /// One or more complete, unmasked text frames (server to client).
    let bytes: ByteBuffer
    /// How many messages (frames) they hold.
    let count: Int

    private static let allocator = ByteBufferAllocator()

    init(_ messages: [[UInt8]]) {
        var bytes = Self.allocator.buffer(capacity: messages.reduce(0) { $0 + $1.count + 10 })
        for message in messages {
            // FIN + text; payload lengths as RFC 6455 section 5.2 (7 bits, 16 or 64).
            bytes.writeInteger(UInt8(0x81))
            switch message.count {
            case ..<126:
                bytes.writeInteger(UInt8(message.count))
            case ...0xFFFF:
                bytes.writeInteger(UInt8(126))
                bytes.writeInteger(UInt16(message.count))
            default:
                bytes.writeInteger(UInt8(127))
                bytes.writeInteger(UInt64(message.count))
            }
            bytes.writeBytes(message)
        }
        self.bytes = bytes
        count = messages.count
    }
}
