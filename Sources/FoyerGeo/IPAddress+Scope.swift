extension IPAddress {
    /// What kind of address this is, as far as locating a visitor goes.
    public enum Scope: String, Sendable, Hashable {
        /// Routable on the internet: worth looking up.
        case global
        /// RFC 1918 private IPv4 and IPv6 unique-local (`fc00::/7`).
        case `private`
        case loopback
        case linkLocal
        /// Carrier-grade NAT shared space (`100.64.0.0/10`).
        case sharedAddressSpace
        case multicast
        /// Ranges reserved for documentation (`192.0.2.0/24`, `2001:db8::/32`, …).
        case documentation
        /// Unspecified, benchmarking, future use and other special-purpose ranges.
        case reserved
    }

    /// The scope of the address; IPv4-mapped IPv6 addresses are judged as IPv4.
    public var scope: Scope {
        let address = unmapped
        for (network, scope) in address.family == .v4 ? Self.ipv4Special : Self.ipv6Special
        where network.contains(address) {
            return scope
        }
        // Only 2000::/3 is allocated as global unicast; the rest of IPv6 is special.
        if address.family == .v6, address.high >> 61 != 0b001 { return .reserved }
        return .global
    }

    /// True for addresses worth looking up in a location database.
    public var isGlobal: Bool { scope == .global }

    private static let ipv4Special: [(IPNetwork, Scope)] = special([
        ("0.0.0.0/8", .reserved),
        ("10.0.0.0/8", .private),
        ("100.64.0.0/10", .sharedAddressSpace),
        ("127.0.0.0/8", .loopback),
        ("169.254.0.0/16", .linkLocal),
        ("172.16.0.0/12", .private),
        ("192.0.0.0/24", .reserved),
        ("192.0.2.0/24", .documentation),
        ("192.88.99.0/24", .reserved),
        ("192.168.0.0/16", .private),
        ("198.18.0.0/15", .reserved),
        ("198.51.100.0/24", .documentation),
        ("203.0.113.0/24", .documentation),
        ("224.0.0.0/4", .multicast),
        ("240.0.0.0/4", .reserved),
    ])

    private static let ipv6Special: [(IPNetwork, Scope)] = special([
        ("::1/128", .loopback),
        ("fc00::/7", .private),
        ("fe80::/10", .linkLocal),
        ("ff00::/8", .multicast),
        ("2001:db8::/32", .documentation),
        ("3fff::/20", .documentation),
        ("2001::/23", .reserved),
    ])

    private static func special(_ table: [(String, Scope)]) -> [(IPNetwork, Scope)] {
        table.map { (IPNetwork($0.0)!, $0.1) }
    }
}
