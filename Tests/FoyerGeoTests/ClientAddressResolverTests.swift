import FoyerGeo
import Testing

@Suite("Client address")
struct ClientAddressResolverTests {
    let resolver = try! ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "fd00::/8", "203.0.113.7"])

    @Test("an untrusted peer's forwarding headers are ignored")
    func untrustedPeer() {
        let headers = [(name: "x-forwarded-for", value: "8.8.8.8"), (name: "forwarded", value: "for=1.1.1.1")]
        #expect(resolver.clientAddress(peer: "81.2.69.142", headers: headers) == ip("81.2.69.142"))
        #expect(resolver.clientAddress(peer: "::ffff:81.2.69.142", headers: []) == ip("81.2.69.142"))
        #expect(resolver.clientAddress(peer: nil, headers: headers) == nil)
        #expect(resolver.clientAddress(peer: "garbage", headers: headers) == nil)
    }

    @Test("X-Forwarded-For is walked right to left, skipping trusted proxies")
    func forwardedFor() {
        let headers = [(name: "x-forwarded-for", value: "6.6.6.6, 81.2.69.142, 10.1.1.1")]
        // 6.6.6.6 is whatever the client claimed: only the first untrusted hop counts.
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: headers) == ip("81.2.69.142"))
        let split = [(name: "x-forwarded-for", value: "81.2.69.142"), (name: "x-forwarded-for", value: "203.0.113.7")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: split) == ip("81.2.69.142"))
        let withPort = [(name: "x-forwarded-for", value: "81.2.69.142:5123")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: withPort) == ip("81.2.69.142"))
        let allTrusted = [(name: "x-forwarded-for", value: "10.9.9.9, 10.1.1.1")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: allTrusted) == ip("10.9.9.9"))
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: []) == ip("10.0.0.2"))
        let junk = [(name: "x-forwarded-for", value: "81.2.69.142, not-an-address")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: junk) == nil)
    }

    @Test("RFC 7239 Forwarded: quoted IPv6 with brackets and ports, several elements")
    func forwarded() {
        let headers = [(name: "forwarded", value: #"for="[2a02:ff00::17]:4711";proto=https, for=10.2.2.2;by=10.0.0.1"#)]
        #expect(resolver.clientAddress(peer: "fd00::1", headers: headers) == ip("2a02:ff00::17"))
        let plain = [(name: "forwarded", value: "For=81.2.69.142")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: plain) == ip("81.2.69.142"))
        let quotedV4 = [(name: "forwarded", value: #"proto=http;for="81.2.69.142:80""#)]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: quotedV4) == ip("81.2.69.142"))
        let hidden = [(name: "forwarded", value: "for=_hidden, for=10.3.3.3")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: hidden) == nil)
        // Forwarded wins over X-Forwarded-For when both are present.
        let both = [(name: "x-forwarded-for", value: "8.8.8.8"), (name: "forwarded", value: "for=81.2.69.142")]
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: both) == ip("81.2.69.142"))
    }

    @Test("a bad trusted proxy is reported by value")
    func badConfiguration() {
        let error = #expect(throws: GeoConfigurationError.invalidTrustedProxy) {
            try ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "10.0.0.0/40"])
        }
        #expect(error?.description.contains("10.0.0.0/40") == true)
    }
}
