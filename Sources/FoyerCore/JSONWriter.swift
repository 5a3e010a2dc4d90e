/// Writes JSON straight into bytes, for documents whose shape is known: many times
/// cheaper than Foundation's `JSONEncoder`, which builds a tree of boxed values first.
///
/// Strings are escaped as `JSONEncoder` does with `.withoutEscapingSlashes`: `"` and `\`,
/// control characters as `\n`-style or `\u00XX` escapes, everything else as is.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends JSON text as it is (punctuation, keys, literals).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends JSON text as it is.
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// An integer in decimal.
    public mutating func integer<Value: BinaryInteger>(_ value: Value) {
        guard let value = Int64(exactly: value) else { return bytes.append(contentsOf: String(value).utf8) }
        // Digits by hand: `String(value)` went through the generic `_description(radix:)`,
        // about ten times the cost, and every row and feed message writes several.
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// A finite number as Swift prints it (shortest round-trip form, valid JSON);
    /// `null` for the impossible NaN or infinity, which JSON cannot carry.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
    /// escapes, everything else (slashes and non-ASCII included) as is.
    public mutating func string(_ text: String) {
        bytes.append(.quote)
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == .quote || byte == .backslash else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case .quote: bytes.append(contentsOf: [.backslash, .quote])
                case .backslash: bytes.append(contentsOf: [.backslash, .backslash])
                case 0x0A: bytes.append(contentsOf: [.backslash, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [.backslash, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [.backslash, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [.backslash, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [.backslash, UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [.backslash, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(.quote)
    }
}

extension UInt8 {
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
}
