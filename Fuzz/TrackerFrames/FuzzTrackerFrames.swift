import Foundation
import NIOCore
import NIOWebSocket

// libFuzzer target for what a tracker socket reads from the network: the frame reader
// (Sources/FoyerServer/Tracker/TrackerFrameReader.swift) on arbitrary bytes, and the
// message decoder (TrackerMessage) on every text frame it yields and on the raw input.
// Built and run by scripts/fuzz-tracker; compiled together with those two source files.

private let maxBytes = 16 * 1024
private let decoder = JSONDecoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrackerFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    var buffer = ByteBuffer(bytes: input)
    var frames = 0
    while true {
        let before = buffer.readerIndex
        let frame: WebSocketFrame?
        do {
            frame = try TrackerFrameReader.next(from: &buffer, maxBytes: maxBytes)
        } catch {
            // A refusal closes the socket: nothing may have been consumed.
            precondition(buffer.readerIndex == before, "a refused frame consumed bytes")
            break
        }
        guard let frame else {
            // An incomplete frame leaves its bytes for the next read.
            precondition(buffer.readerIndex == before, "an incomplete frame consumed bytes")
            break
        }
        frames += 1
        precondition(buffer.readerIndex > before, "a frame consumed nothing")
        precondition(frame.length <= maxBytes, "a frame over the limit was returned")
        precondition(frame.maskKey != nil, "an unmasked frame was returned")
        if frame.opcode.isControlOpcode { precondition(frame.fin && frame.length <= 125, "a bad control frame was returned") }
        if frame.opcode == .text { decode(Data(frame.unmaskedData.readableBytesView)) }
    }
    precondition(frames <= size / 6 + 1, "more frames than the input can hold")
    decode(Data(input))
    return 0
}

private func decode(_ bytes: Data) {
    guard let message = try? decoder.decode(TrackerMessage.self, from: bytes) else { return }
    for identity in [message.tab, message.vid, message.cid] where TrackerMessage.isIdentity(identity) {
        precondition((8...64).contains(identity!.utf8.count), "an identity of the wrong length was accepted")
    }
}
