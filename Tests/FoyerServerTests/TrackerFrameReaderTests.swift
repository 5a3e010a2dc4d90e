import NIOCore
import NIOWebSocket
import Testing

@testable import FoyerServer

/// Tracker sockets read frames themselves; the reader must agree with NIO's decoder.
@Suite("Tracker frame reader")
struct TrackerFrameReaderTests {
    /// A masked client frame as a browser sends it, encoded by hand.
    private func frame(_ payload: [UInt8], opcode: UInt8 = 0x1, fin: Bool = true, mask: [UInt8] = [1, 2, 3, 4]) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        switch payload.count {
        case ..<126: bytes.append(0x80 | UInt8(payload.count))
        case ..<65536: bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        default: bytes += [0x80 | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xff) }
        }
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return bytes
    }

    @Test func framesArrivingInPiecesComeOutWhole() throws {
        let text = Array(#"{"t":"h"}"#.utf8)
        let long = [UInt8](repeating: 0x61, count: 300)
        let all = frame(text) + frame(long) + frame([], opcode: 0x9)
        // Every split point: the reader waits for the rest and consumes nothing meanwhile.
        for split in 0...all.count {
            var buffer = ByteBuffer(bytes: all[..<split])
            var frames: [WebSocketFrame] = []
            while let next = try TrackerFrameReader.next(from: &buffer, maxBytes: 16_384) { frames.append(next) }
            buffer.writeBytes(all[split...])
            while let next = try TrackerFrameReader.next(from: &buffer, maxBytes: 16_384) { frames.append(next) }
            #expect(frames.map(\.opcode) == [.text, .text, .ping])
            #expect(frames.map { Array($0.unmaskedData.readableBytesView) } == [text, long, []])
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func refusesWhatNIOsDecoderRefuses() {
        var tooBig = ByteBuffer(bytes: frame([UInt8](repeating: 0, count: 70_000)).prefix(10))
        #expect(throws: TrackerFrameReader.Refusal.tooBig) { try TrackerFrameReader.next(from: &tooBig, maxBytes: 16_384) }
        var overLimit = ByteBuffer(bytes: frame([UInt8](repeating: 0, count: 200)).prefix(4))
        #expect(throws: TrackerFrameReader.Refusal.tooBig) { try TrackerFrameReader.next(from: &overLimit, maxBytes: 100) }
        var fragmentedPing = ByteBuffer(bytes: frame([1], opcode: 0x9, fin: false))
        #expect(throws: TrackerFrameReader.Refusal.badControlFrame) { try TrackerFrameReader.next(from: &fragmentedPing, maxBytes: 16_384) }
        var longClose = ByteBuffer(bytes: frame([UInt8](repeating: 0, count: 126), opcode: 0x8))
        #expect(throws: TrackerFrameReader.Refusal.badControlFrame) { try TrackerFrameReader.next(from: &longClose, maxBytes: 16_384) }
        var unmasked = ByteBuffer(bytes: [0x81, 0x02, 0x7b, 0x7d])
        #expect(throws: TrackerFrameReader.Refusal.unmasked, "clients mask every frame (RFC 6455 section 5.1)") {
            try TrackerFrameReader.next(from: &unmasked, maxBytes: 16_384)
        }
    }
}
