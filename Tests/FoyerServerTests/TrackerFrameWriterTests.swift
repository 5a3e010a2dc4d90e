import NIOCore
import NIOWebSocket
import Testing

@testable import FoyerServer

/// Tracker sockets encode their frames themselves (no NIO encoder per socket); the bytes
/// must be what RFC 6455 section 5.2 and NIO's encoder put on the wire.
@Suite("Tracker frame writer")
struct TrackerFrameWriterTests {
    /// A frame's bytes, encoded by hand.
    private func expected(first: UInt8, payload: [UInt8], mask: [UInt8]? = nil) -> [UInt8] {
        var bytes = [first]
        let bit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.count {
        case ..<126: bytes.append(bit | UInt8(payload.count))
        case ..<65536: bytes += [bit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        default: bytes += [bit | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xff) }
        }
        guard let mask else { return bytes + payload }
        return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    private func written(_ frame: WebSocketFrame) -> [UInt8] {
        var buffer = TrackerFrameWriter.bytes(of: frame, allocator: ByteBufferAllocator())
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    @Test func writesEveryLengthForm() {
        let allocator = ByteBufferAllocator()
        for length in [0, 1, 125, 126, 300, 65_535, 65_536, 70_000] {
            let payload = [UInt8](repeating: 0x61, count: length)
            #expect(written(WebSocketFrame(fin: true, opcode: .text, data: allocator.buffer(bytes: payload))) == expected(first: 0x81, payload: payload))
        }
    }

    @Test func writesControlFramesFlagsAndMasks() {
        let allocator = ByteBufferAllocator()
        let close = WebSocketFrame.close(code: 4002, reason: "idle timeout", allocator: allocator)
        #expect(written(close) == expected(first: 0x88, payload: [0x0f, 0xa2] + Array("idle timeout".utf8)))
        #expect(written(WebSocketFrame(fin: true, opcode: .pong, data: allocator.buffer(bytes: [1, 2, 3]))) == expected(first: 0x8a, payload: [1, 2, 3]))
        #expect(written(WebSocketFrame(fin: false, rsv1: true, opcode: .binary, data: allocator.buffer(bytes: [9, 8]))) == expected(first: 0x42, payload: [9, 8]))
        let masked = WebSocketFrame(
            fin: true, opcode: .text, maskKey: WebSocketMaskingKey([1, 2, 3, 4]), data: allocator.buffer(bytes: Array("masked".utf8)),
            extensionData: allocator.buffer(bytes: [7]))
        #expect(written(masked) == expected(first: 0x81, payload: [7] + Array("masked".utf8), mask: [1, 2, 3, 4]))
    }
}
