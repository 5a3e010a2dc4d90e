import NIOCore
import NIOWebSocket

extension WebSocketFrame {
    /// A text frame carrying `bytes`.
    static func text(_ bytes: [UInt8], allocator: ByteBufferAllocator) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: allocator.buffer(bytes: bytes))
    }

    /// A close frame with a status code and a reason.
    static func close(code: UInt16, reason: String, allocator: ByteBufferAllocator) -> WebSocketFrame {
        var buffer = allocator.buffer(capacity: 2 + reason.utf8.count)
        buffer.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
        buffer.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)
    }
}

extension Channel {
    /// Sends a close frame (optionally after one last text message) and closes.
    func closeWebSocket(code: UInt16, reason: String, lastMessage: String? = nil) {
        if let lastMessage {
            write(WebSocketFrame.text(Array(lastMessage.utf8), allocator: allocator), promise: nil)
        }
        writeAndFlush(WebSocketFrame.close(code: code, reason: reason, allocator: allocator)).whenComplete { _ in
            self.close(promise: nil)
        }
    }
}
