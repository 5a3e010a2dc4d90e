/// An IPv4 or IPv6 address as a plain value: 128 bits and a family, no allocation.
///
/// IPv4 addresses keep their 32 bits in the low word. IPv4-mapped IPv6 text
/// (`::ffff:1.2.3.4`) parses as IPv6; ``unmapped`` turns it into the IPv4 address that a
/// dual-stack socket really means.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        case v4
        case v6
    }

    public let family: Family
    /// The high 64 bits (always 0 for IPv4).
    public let high: UInt64
    /// The low 64 bits (the whole address for IPv4).
    public let low: UInt64

    /// An IPv4 address from its 32-bit big-endian value (`0x7F000001` is `127.0.0.1`).
    public init(ipv4 value: UInt32) {
        self.family = .v4
        self.high = 0
        self.low = UInt64(value)
    }

    /// An IPv6 address from its two 64-bit halves.
    public init(ipv6High high: UInt64, low: UInt64) {
        self.family = .v6
        self.high = high
        self.low = low
    }

    /// Parses IPv4 dotted-quad or IPv6 text (with `::`, an embedded IPv4 tail and an
    /// optional `%zone`, which is ignored). Returns nil for anything else.
    public init?(_ text: some StringProtocol) {
        var utf8 = Array(text.utf8)
        if let percent = utf8.firstIndex(of: UInt8(ascii: "%")) {
            // A zone index only makes sense on IPv6 text.
            guard utf8.contains(UInt8(ascii: ":")) else { return nil }
            utf8.removeSubrange(percent...)
        }
        if let v4 = Self.parseIPv4(utf8[...]) {
            self.init(ipv4: v4)
        } else if let (high, low) = Self.parseIPv6(utf8[...]) {
            self.init(ipv6High: high, low: low)
        } else {
            return nil
        }
    }

    /// The number of bits in this family's addresses (32 or 128).
    public var bitWidth: Int { family == .v4 ? 32 : 128 }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else self.
    public var unmapped: IPAddress {
        if family == .v6, high == 0, low >> 32 == 0xFFFF {
            return IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
        }
        return self
    }

    /// Bit `index` counted from the most significant bit of this family's width.
    @inline(__always)
    func bit(_ index: Int) -> UInt64 {
        if family == .v4 {
            return (low >> UInt64(31 - index)) & 1
        }
        return index < 64 ? (high >> UInt64(63 - index)) & 1 : (low >> UInt64(127 - index)) & 1
    }

    public var description: String {
        switch family {
        case .v4:
            let value = UInt32(truncatingIfNeeded: low)
            return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
        case .v6:
            return ipv6Text
        }
    }

    private var ipv6Text: String {
        var groups = [UInt16](repeating: 0, count: 8)
        for index in 0..<4 {
            groups[index] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * index))
            groups[index + 4] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * index))
        }
        // RFC 5952: compress the longest run (of two or more) of zero groups, first one wins.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    static func parseIPv4(_ text: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var digits = 0
        var octet: UInt32 = 0
        var leadingZero = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // Leading zeros are refused: some parsers read them as octal.
                if leadingZero { return nil }
                if digits == 0, byte == UInt8(ascii: "0") { leadingZero = true }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            case UInt8(ascii: "."):
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | octet
                octets += 1
                digits = 0
                octet = 0
                leadingZero = false
            default:
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | octet
    }

    static func parseIPv6(_ text: ArraySlice<UInt8>) -> (UInt64, UInt64)? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var compressAt: Int?
        var index = text.startIndex
        // A leading "::" is the only place a colon may open the text.
        if text[index] == UInt8(ascii: ":") {
            guard text[index + 1] == UInt8(ascii: ":") else { return nil }
            compressAt = 0
            index += 2
        }
        while index < text.endIndex {
            // Read one group, or an IPv4 tail.
            var end = index
            while end < text.endIndex, text[end] != UInt8(ascii: ":") { end += 1 }
            let part = text[index..<end]
            if part.contains(UInt8(ascii: ".")) {
                guard end == text.endIndex, groups.count <= 6, let v4 = parseIPv4(part) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                index = end
                break
            }
            guard (1...4).contains(part.count) else { return nil }
            var group: UInt16 = 0
            for byte in part {
                guard let nibble = hexValue(byte) else { return nil }
                group = group << 4 | UInt16(nibble)
            }
            groups.append(group)
            guard groups.count <= 8 else { return nil }
            if end == text.endIndex {
                index = end
                break
            }
            // `end` is a colon: either a separator or the start of "::".
            if end + 1 < text.endIndex, text[end + 1] == UInt8(ascii: ":") {
                guard compressAt == nil else { return nil }
                compressAt = groups.count
                index = end + 2
            } else {
                guard end + 1 < text.endIndex else { return nil }
                index = end + 1
            }
        }
        if let compressAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: compressAt)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<4 {
            high = high << 16 | UInt64(groups[index])
            low = low << 16 | UInt64(groups[index + 4])
        }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
