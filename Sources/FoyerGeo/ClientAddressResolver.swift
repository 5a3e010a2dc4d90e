/// Finds the visitor's address: the socket's peer, or — only when that peer is a
/// trusted proxy — the nearest untrusted hop in `Forwarded` / `X-Forwarded-For`.
public struct ClientAddressResolver: Sendable {
    /// Proxies whose forwarding headers are believed.
    public let trustedProxies: [IPNetwork]

    public init(trustedProxies: [IPNetwork]) {
        self.trustedProxies = trustedProxies
    }

    /// Parses CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`) or single addresses.
    public init(trustedProxies: [String]) throws(GeoConfigurationError) {
        var networks: [IPNetwork] = []
        for text in trustedProxies {
            guard let network = IPNetwork(text) else { throw .invalidTrustedProxy(text) }
            networks.append(network)
        }
        self.init(trustedProxies: networks)
    }

    public func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The client address. `headers` have lower-case names; `peer` is the socket's remote
    /// address as text. The forwarding chain is walked right to left, skipping trusted
    /// proxies; an unreadable hop (`unknown`, an obfuscated name) ends the walk with nil,
    /// since nothing before it can be believed.
    public func clientAddress(peer: String?, headers: [(name: String, value: String)]) -> IPAddress? {
        guard let peerText = peer, let peerAddress = IPAddress(peerText)?.unmapped else { return nil }
        guard isTrusted(peerAddress) else { return peerAddress }
        var hops: [Substring] = []
        let forwarded = headers.filter { $0.name == "forwarded" }
        if !forwarded.isEmpty {
            for header in forwarded {
                for element in Self.splitOutsideQuotes(header.value[...], separator: ",") {
                    // Each element is `key=value` pairs; an element without `for=` is a hop we cannot read.
                    let pairs = Self.splitOutsideQuotes(element, separator: ";")
                    let forValue = pairs.lazy.compactMap { pair -> Substring? in
                        let trimmed = pair.trimmingASCIIWhitespace()
                        guard let equals = trimmed.firstIndex(of: "="),
                              trimmed[..<equals].lowercased() == "for" else { return nil }
                        return trimmed[trimmed.index(after: equals)...]
                    }.first
                    hops.append(forValue ?? "")
                }
            }
        } else {
            for header in headers where header.name == "x-forwarded-for" {
                hops.append(contentsOf: header.value.split(separator: ",", omittingEmptySubsequences: false))
            }
        }
        guard !hops.isEmpty else { return peerAddress }
        var candidate = peerAddress
        for hop in hops.reversed() {
            guard let address = Self.parseHop(hop) else { return nil }
            candidate = address
            if !isTrusted(address) { return address }
        }
        // Every hop is a trusted proxy: the leftmost is as close to the client as we get.
        return candidate
    }

    /// An address from a forwarding hop: `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:443"`, `2001:db8::1`.
    static func parseHop(_ raw: Substring) -> IPAddress? {
        var text = raw.trimmingASCIIWhitespace()
        if text.count >= 2, text.first == "\"", text.last == "\"" {
            text = text.dropFirst().dropLast()
        }
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            return IPAddress(text[text.index(after: text.startIndex)..<close])?.unmapped
        }
        if let colon = text.firstIndex(of: ":"), text.contains("."), text[text.index(after: colon)...].allSatisfy(\.isNumber) {
            // IPv4 with a port.
            return IPAddress(text[..<colon])?.unmapped
        }
        return IPAddress(text)?.unmapped
    }

    /// Splits on `separator` where it is not inside a quoted string.
    static func splitOutsideQuotes(_ text: Substring, separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" {
                quoted.toggle()
            } else if character == "\\", quoted {
                index = text.index(after: index)
                if index == text.endIndex { break }
            } else if character == separator, !quoted {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start...])
        return parts
    }
}
