import Glibc
import NIOCore

/// The page URLs the generator sends: `https://bench.example/p/<seq>/<sentNanos>`.
///
/// The send time travels inside the URL, so a dashboard computes latency without a table
/// shared with the sender (and the sender may live in another process).
enum PageMarker {
    static let origin = "https://bench.example"
    private static let needle = Array("bench.example/p/".utf8)

    static func url(seq: Int, sentNanos: UInt64) -> String { "\(origin)/p/\(seq)/\(sentNanos)" }

    /// The newest page in a feed message: the highest sequence number it mentions. An entry
    /// carries its current URL and its page history, and sequence numbers only grow, so the
    /// highest one is the page that changed, whatever order the JSON keys come in.
    static func latest(in buffer: ByteBuffer) -> (seq: Int, sentNanos: UInt64)? {
        buffer.withUnsafeReadableBytes { bytes -> (seq: Int, sentNanos: UInt64)? in
            var best: (seq: Int, sentNanos: UInt64)?
            var offset = 0
            while offset < bytes.count {
                guard let found = find(in: bytes, from: offset) else { break }
                var index = found + needle.count
                let seq = number(bytes, &index)
                offset = index
                guard let seq, index < bytes.count, bytes[index] == UInt8(ascii: "/") else { continue }
                index += 1
                guard let sent = number(bytes, &index) else { continue }
                offset = index
                if best == nil || seq > best!.seq { best = (seq, UInt64(sent)) }
            }
            return best
        }
    }

    /// The offset of the next needle at or after `start` (memchr for its first byte, then
    /// a compare; Glibc's memmem is not visible to Swift).
    private static func find(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = start
        while bytes.count - offset >= needle.count {
            guard let hit = memchr(base + offset, Int32(needle[0]), bytes.count - offset) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            guard bytes.count - at >= needle.count else { return nil }
            let same = needle.withUnsafeBytes { memcmp(base + at, $0.baseAddress!, needle.count) == 0 }
            if same { return at }
            offset = at + 1
        }
        return nil
    }

    private static func number(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Int? {
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), digits < 19 {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
