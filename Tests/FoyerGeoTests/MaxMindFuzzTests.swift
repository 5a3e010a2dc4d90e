import FoyerCore
import FoyerGeo
import Foundation
import Testing

@Suite("MaxMind DB fuzzing")
struct MaxMindFuzzTests {
    static let probes: [IPAddress] = [
        "1.0.0.1", "1.2.3.4", "2.2.0.1", "5.6.7.8", "8.8.8.8", "9.0.3.1", "81.2.69.142", "78.170.1.1",
        "10.1.2.3", "255.255.255.255", "::", "::ffff:1.2.3.4", "2001:db8::1", "2a02:ff00::1", "2400:cb00::1",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ].map { IPAddress($0)! }

    /// A minimal metadata map: the four required fields.
    static func metadata(nodes: UInt8, recordSize: UInt8, ipVersion: UInt8) -> Data {
        var bytes: [UInt8] = [0xE4]
        bytes += [0x4A] + Array("node_count".utf8) + [0xC1, nodes]
        bytes += [0x4B] + Array("record_size".utf8) + [0xA1, recordSize]
        bytes += [0x4A] + Array("ip_version".utf8) + [0xA1, ipVersion]
        bytes += [0x5B] + Array("binary_format_major_version".utf8) + [0xA1, 2]
        return Data(bytes)
    }

    /// Opens `bytes` as a database and looks up every probe: each step may throw, but
    /// must return (no crash, no endless loop).
    static func exercise(_ bytes: Data, at path: String) throws -> (opened: Bool, answered: Int) {
        try bytes.write(to: URL(fileURLWithPath: path))
        guard let database = try? MaxMindDatabase(path: path) else { return (false, 0) }
        var answered = 0
        for address in probes {
            if (try? database.lookup(address)) != nil { answered += 1 }
            _ = try? database.location(for: address)
        }
        return (true, answered)
    }

    @Test("random bytes, with and without a metadata marker", arguments: [1, 2, 3] as [UInt64])
    func randomBytes(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("random.mmdb").path
        let marker = Data([0xAB, 0xCD, 0xEF]) + Data("MaxMind.com".utf8)
        var opened = 0
        for round in 0..<150 {
            let count = Int.random(in: 0...2048, using: &random)
            var bytes = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
            if round % 2 == 0 {
                // A plausible metadata map after the marker, so the tree and data get exercised.
                let nodes = UInt8.random(in: 1...40, using: &random)
                let recordSize: UInt8 = [24, 28, 32, 31].randomElement(using: &random)!
                let ipVersion: UInt8 = [4, 6].randomElement(using: &random)!
                bytes += marker
                bytes += Self.metadata(nodes: nodes, recordSize: recordSize, ipVersion: ipVersion)
            }
            if try Self.exercise(bytes, at: path).opened { opened += 1 }
        }
        #expect(opened > 10, "the generator should reach the tree and data decoding")
    }

    @Test("mutated copies of the fixtures", arguments: Fixtures.databaseNames.filter { !$0.hasPrefix("handmade") })
    func mutatedFixtures(name: String) throws {
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: name.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name)))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        var opened = 0
        for round in 0..<120 {
            var bytes = original
            switch round % 3 {
            case 0:
                // Flip a few bytes anywhere.
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            case 1:
                // Damage the data section and the tree more heavily, keep the metadata.
                let end = max(1, bytes.count - 200)
                for _ in 0..<Int.random(in: 8...64, using: &random) {
                    bytes[Int.random(in: 0..<end, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            default:
                // Remove a slice from the middle.
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let length = Int.random(in: 1...min(4096, bytes.count - start), using: &random)
                bytes.removeSubrange(start..<(start + length))
            }
            if try Self.exercise(bytes, at: path).opened { opened += 1 }
        }
        #expect(opened > 0)
    }

    @Test("a pointer cycle through maps ends in an error, not a hang")
    func pointerCycle() throws {
        // Data section: offset 0 is a map {"a": pointer to 0}, which contains itself.
        let data = Data([0xE1, 0x41, UInt8(ascii: "a"), 0x20, 0x00])
        // One node (24-bit records): both records point at data offset 0.
        let record = UInt32(1 + 16)
        let node = Data([0, 0, UInt8(record), 0, 0, UInt8(record)])
        let marker = Data([0xAB, 0xCD, 0xEF]) + Data("MaxMind.com".utf8)
        let metadata = Self.metadata(nodes: 1, recordSize: 24, ipVersion: 4)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cycle.mmdb").path
        try (node + Data(count: 16) + data + marker + metadata).write(to: URL(fileURLWithPath: path))
        let database = try MaxMindDatabase(path: path)
        #expect(throws: GeoDatabaseError.corruptData) { try database.lookup(ip("1.2.3.4")) }
        // The fast path does not follow unknown keys, so it simply finds no location.
        #expect(try database.location(for: ip("1.2.3.4"))?.isEmpty == true)
    }
}
