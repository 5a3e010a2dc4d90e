import FoyerGeo
import Testing

@Suite("IP addresses and networks")
struct IPAddressTests {
    @Test("parses IPv4 and IPv6 text and prints it canonically", arguments: [
        ("1.2.3.4", "1.2.3.4"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("2001:DB8::1", "2001:db8::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("fe80::1%eth0", "fe80::1"), ("::ffff:1.2.3.4", "::ffff:102:304"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func parses(text: String, printed: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == printed)
    }

    @Test("refuses malformed text", arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1..2.3", "::1::", "1:2:3:4:5:6:7:8:9",
        "12345::", "g::1", ":1::", "1:", "1.2.3.4%eth0", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "[::1]", "localhost",
    ])
    func refuses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("an IPv4-mapped IPv6 address unmaps to IPv4")
    func unmapped() {
        #expect(ip("::ffff:81.2.69.142").unmapped == ip("81.2.69.142"))
        #expect(ip("::ffff:81.2.69.142").unmapped.family == .v4)
        #expect(ip("2001:db8::1").unmapped == ip("2001:db8::1"))
    }

    @Test("CIDR blocks contain the right addresses")
    func networks() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains(ip("10.255.0.1")))
        #expect(!ten.contains(ip("11.0.0.1")))
        #expect(ten.contains(ip("::ffff:10.1.2.3")))
        let v6 = try #require(IPNetwork("2001:db8:abcd::/48"))
        #expect(v6.contains(ip("2001:db8:abcd:12::1")))
        #expect(!v6.contains(ip("2001:db8:abce::1")))
        #expect(!v6.contains(ip("10.0.0.1")))
        #expect(IPNetwork("192.168.1.77/24")?.description == "192.168.1.0/24")
        #expect(IPNetwork("0.0.0.0/0")?.contains(ip("8.8.8.8")) == true)
        #expect(IPNetwork("::/0")?.contains(ip("2001:db8::1")) == true)
        #expect(IPNetwork("127.0.0.1")?.prefixLength == 32)
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "x/8", "10.0.0.0/8/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test("classifies special-purpose ranges", arguments: [
        ("8.8.8.8", IPAddress.Scope.global), ("81.2.69.142", .global), ("2a02:ff00::1", .global),
        ("10.1.2.3", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("192.168.0.1", .private),
        ("fd12::1", .private), ("127.0.0.1", .loopback), ("::1", .loopback), ("::ffff:127.0.0.1", .loopback),
        ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal), ("100.64.0.1", .sharedAddressSpace),
        ("100.127.255.255", .sharedAddressSpace), ("224.0.0.1", .multicast), ("ff02::1", .multicast),
        ("192.0.2.1", .documentation), ("198.51.100.1", .documentation), ("203.0.113.1", .documentation),
        ("2001:db8::1", .documentation), ("0.1.2.3", .reserved), ("240.0.0.1", .reserved),
        ("255.255.255.255", .reserved), ("198.18.0.1", .reserved), ("::", .reserved), ("100::1", .reserved),
        ("172.32.0.1", .global), ("100.128.0.1", .global),
    ])
    func scope(text: String, scope: IPAddress.Scope) {
        #expect(ip(text).scope == scope)
        #expect(ip(text).isGlobal == (scope == .global))
    }
}
