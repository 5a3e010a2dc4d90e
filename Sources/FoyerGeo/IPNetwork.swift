/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address with the host bits cleared.
    public let address: IPAddress
    public let prefixLength: Int

    /// A network from an address and prefix length; host bits are cleared.
    /// Returns nil when the length is outside 0...32 (IPv4) or 0...128 (IPv6).
    public init?(address: IPAddress, prefixLength: Int) {
        guard prefixLength >= 0, prefixLength <= address.bitWidth else { return nil }
        self.prefixLength = prefixLength
        let (highMask, lowMask) = Self.mask(prefixLength, family: address.family)
        switch address.family {
        case .v4: self.address = IPAddress(ipv4: UInt32(truncatingIfNeeded: address.low & lowMask))
        case .v6: self.address = IPAddress(ipv6High: address.high & highMask, low: address.low & lowMask)
        }
    }

    /// Parses `ADDRESS/LENGTH`, or a bare address as a single-address network.
    public init?(_ text: some StringProtocol) {
        let trimmed = text.trimmingASCIIWhitespace()
        if let slash = trimmed.firstIndex(of: "/") {
            let lengthText = trimmed[trimmed.index(after: slash)...]
            guard let address = IPAddress(trimmed[..<slash]),
                  !lengthText.isEmpty, lengthText.count <= 3,
                  lengthText.allSatisfy(\.isASCII), let length = Int(lengthText)
            else { return nil }
            self.init(address: address.unmapped, prefixLength: address.unmapped == address ? length : length - 96)
        } else {
            guard let address = IPAddress(trimmed) else { return nil }
            self.init(address: address.unmapped, prefixLength: address.unmapped.bitWidth)
        }
    }

    /// True when `candidate` lies in this block. IPv4-mapped IPv6 addresses match IPv4 blocks.
    public func contains(_ candidate: IPAddress) -> Bool {
        let candidate = address.family == .v4 ? candidate.unmapped : candidate
        guard candidate.family == address.family else { return false }
        let (highMask, lowMask) = Self.mask(prefixLength, family: address.family)
        return candidate.high & highMask == address.high && candidate.low & lowMask == address.low
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func mask(_ length: Int, family: IPAddress.Family) -> (UInt64, UInt64) {
        func ones(_ count: Int) -> UInt64 { count <= 0 ? 0 : count >= 64 ? .max : ~(UInt64.max >> UInt64(count)) }
        switch family {
        case .v4:
            return (0, length == 0 ? 0 : UInt64(UInt32.max << UInt32(32 - length)) & 0xFFFF_FFFF)
        case .v6:
            return (ones(length), ones(length - 64))
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start, self[index(before: end)] == " " || self[index(before: end)] == "\t" { end = index(before: end) }
        return self[start..<end]
    }
}
