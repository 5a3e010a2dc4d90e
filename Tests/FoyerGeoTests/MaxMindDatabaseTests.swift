import FoyerGeo
import Foundation
import Testing

extension ReferenceValue {
    /// The reference form of a Swift-decoded value.
    init(_ value: MaxMindValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .double(let number): self = .double(number)
        case .float(let number): self = .double(Double(number))
        case .bytes(let bytes): self = .bytes(bytes.map { String(format: "%02x", $0) }.joined())
        case .uint16(let number): self = .int(String(number))
        case .uint32(let number): self = .int(String(number))
        case .int32(let number): self = .int(String(number))
        case .uint64(let number): self = .int(String(number))
        case .uint128(let number): self = .int(String(number))
        case .boolean(let flag): self = .bool(flag)
        case .map(let entries): self = .map(entries.mapValues(ReferenceValue.init))
        case .array(let items): self = .array(items.map(ReferenceValue.init))
        }
    }
}

@Suite("MaxMind DB reader")
struct MaxMindDatabaseTests {
    @Test("matches the reference reader on every fixture", arguments: Fixtures.databaseNames)
    func matchesReference(name: String) throws {
        let reference = try #require(ReferenceFile.shared.files[name])
        let database = try MaxMindDatabase(path: Fixtures.path(name))

        let metadata = database.metadata
        #expect(metadata.nodeCount == reference.metadata.node_count)
        #expect(metadata.recordSize == reference.metadata.record_size)
        #expect(metadata.ipVersion == reference.metadata.ip_version)
        #expect(metadata.databaseType == reference.metadata.database_type)
        #expect(metadata.languages == reference.metadata.languages)
        #expect(metadata.binaryFormatMajorVersion == reference.metadata.binary_format_major_version)
        #expect(metadata.binaryFormatMinorVersion == reference.metadata.binary_format_minor_version)
        #expect(metadata.buildEpoch == reference.metadata.build_epoch)
        #expect(metadata.description == reference.metadata.description)

        #expect(reference.lookups.count > 40)
        for lookup in reference.lookups {
            let address = try #require(IPAddress(lookup.address), "\(lookup.address)")
            if lookup.error != nil {
                #expect(throws: GeoDatabaseError.self, "\(name) \(lookup.address)") {
                    try database.lookup(address)
                }
                continue
            }
            let (value, prefixLength) = try database.lookupWithPrefixLength(address)
            #expect(value.map(ReferenceValue.init) == lookup.value, "\(name) \(lookup.address)")
            #expect(prefixLength == lookup.prefix_length, "\(name) \(lookup.address)")
        }
    }

    @Test("keeps the format's types: float, uint128, int32, bytes")
    func keepsTypes() throws {
        let database = try MaxMindDatabase(path: Fixtures.path("handmade-ipv6-28.mmdb"))
        let record = try #require(try database.lookup(ip("1.2.3.4")))
        #expect(record["float"] == .float(-2.5))
        #expect(record["uint128"] == .uint128((1 << 127) + 5))
        #expect(record["uint128_zero"] == .uint128(0))
        #expect(record["int32_negative"] == .int32(-7))
        #expect(record["bytes"] == .bytes([0x00, 0xFF, 0x10]))
        #expect(record["pointer_3"] == .map(["three-byte pointer": .boolean(true)]))
        #expect(record["pointer_4"] == .string("four-byte pointer"))

        let types = try MaxMindDatabase(path: Fixtures.path("types-ipv4-32.mmdb"))
        let all = try #require(try types.lookup(ip("1.0.0.1")))
        #expect(all["uint16"] == .uint16(65535))
        #expect(all["uint32"] == .uint32(4_294_967_295))
        #expect(all["uint64"] == .uint64(.max))
        #expect(all["uint128"] == .uint128(.max))
        #expect(all["float"] == .float(1.5))
        #expect(all["double"] == .double(42.123456789))
        #expect(all["boolean_false"] == .boolean(false))
    }

    @Test("reads the location fields of a GeoLite2-shaped record")
    func cityLocation() throws {
        let database = try MaxMindDatabase(path: Fixtures.path("city-ipv6-24.mmdb"))
        let london = try #require(try database.location(for: ip("81.2.69.142")))
        #expect(london == MaxMindLocation(countryCode: "GB", countryName: "United Kingdom", city: "London", latitude: 51.5142, longitude: -0.0931))

        let ankara = try #require(try database.location(for: ip("2a02:ff00::1")))
        #expect(ankara.countryCode == "TR")
        #expect(ankara.countryName == "Türkiye")
        #expect(ankara.city == "Ankara")

        let noCity = try #require(try database.location(for: ip("175.16.199.10")))
        #expect(noCity.city == nil)
        #expect(noCity.countryCode == "CN")

        // Only a registered country: used as the country.
        let anycast = try #require(try database.location(for: ip("1.1.1.1")))
        #expect(anycast.countryCode == "AU")
        #expect(anycast.countryName == "Australia")

        #expect(try database.location(for: ip("8.8.8.8")) == nil)
        #expect(try database.location(for: ip("2001:db8::1")) == nil)
    }

    @Test("reads location fields through pointers and from a float and an integer")
    func handmadeLocation() throws {
        for name in ["handmade-ipv6-28.mmdb", "handmade-ipv4-32.mmdb"] {
            let database = try MaxMindDatabase(path: Fixtures.path(name))
            let location = try #require(try database.location(for: ip("5.6.7.8")))
            #expect(location == MaxMindLocation(countryCode: "TR", countryName: "Türkiye", city: "Istanbul", latitude: 41, longitude: 29))
        }
    }

    @Test("reads IPinfo-style flat keys, coordinates as text or numbers")
    func ipinfoLocation() throws {
        let database = try MaxMindDatabase(path: Fixtures.path("ipinfo-ipv4-24.mmdb"))
        let google = try #require(try database.location(for: ip("8.8.8.8")))
        #expect(google == MaxMindLocation(countryCode: "US", countryName: "United States", city: "Mountain View", latitude: 37.40599, longitude: -122.078514))
        let istanbul = try #require(try database.location(for: ip("5.44.20.1")))
        #expect(istanbul == MaxMindLocation(countryCode: "TR", countryName: nil, city: "Istanbul", latitude: 41.01384, longitude: 28.94966))
        let ireland = try #require(try database.location(for: ip("31.13.70.1")))
        #expect(ireland == MaxMindLocation(countryCode: "IE", countryName: "Ireland"))
        #expect(throws: GeoDatabaseError.ipv6InIPv4Database) {
            try database.location(for: ip("2001:4860::1"))
        }
    }

    @Test("the fast path agrees with the full decode on every fixture record")
    func fastPathAgrees() throws {
        for name in Fixtures.databaseNames {
            let database = try MaxMindDatabase(path: Fixtures.path(name))
            for lookup in try #require(ReferenceFile.shared.files[name]).lookups where lookup.error == nil {
                let address = try #require(IPAddress(lookup.address))
                let full = try database.lookup(address)
                let fast = try database.location(for: address)
                #expect((full == nil) == (fast == nil), "\(name) \(lookup.address)")
                guard let full, let fast else { continue }
                let country = full["country"] ?? full["registered_country"]
                #expect(fast.countryCode == (country?["iso_code"]?.stringValue ?? full["country_code"]?.stringValue))
                #expect(fast.city == (full["city"]?["names"]?["en"]?.stringValue ?? full["city"]?.stringValue))
            }
        }
    }
}

@Suite("MaxMind DB errors")
struct MaxMindDatabaseErrorTests {
    @Test("a missing file names the path")
    func missingFile() {
        let error = #expect(throws: GeoDatabaseError.cannotOpen) {
            try MaxMindDatabase(path: "/nonexistent/GeoLite2-City.mmdb")
        }
        #expect(error?.description.hasPrefix("GeoIP database /nonexistent/GeoLite2-City.mmdb: cannot open") == true)
    }

    @Test("a directory or an empty file is refused")
    func notAFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: GeoDatabaseError.notAFile) { try MaxMindDatabase(path: directory.path) }
        let empty = directory.appendingPathComponent("empty.mmdb")
        try Data().write(to: empty)
        let error = #expect(throws: GeoDatabaseError.notAFile) { try MaxMindDatabase(path: empty.path) }
        #expect(error?.description == "GeoIP database \(empty.path): file is empty")
    }

    @Test("a file without metadata says so")
    func noMarker() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("x.mmdb").path
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: GeoDatabaseError.metadataNotFound) { try MaxMindDatabase(path: path) }
        #expect(error?.description == "GeoIP database \(path): metadata marker not found")
    }

    @Test("a truncated file is refused at open, naming the file")
    func truncated() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("city-ipv6-24.mmdb")))
        let path = directory.appendingPathComponent("cut.mmdb").path
        // Cut inside the search tree but keep the metadata: the tree no longer fits.
        let markerStart = try #require(original.lastRange(of: Data([0xAB, 0xCD, 0xEF]) + Data("MaxMind.com".utf8))).lowerBound
        try (original.prefix(100) + original[markerStart...]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: GeoDatabaseError.corruptSearchTree) { try MaxMindDatabase(path: path) }
        #expect(error?.description.contains(path) == true)
        // Cut before the metadata: no marker.
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: GeoDatabaseError.metadataNotFound) { try MaxMindDatabase(path: path) }
    }

    @Test("corrupt records throw instead of returning garbage")
    func corruptRecords() throws {
        let database = try MaxMindDatabase(path: Fixtures.path("handmade-ipv6-28.mmdb"))
        for address in ["9.0.0.1", "9.0.1.1", "9.0.2.1", "9.0.3.1", "9.0.4.1", "9.0.5.1"] {
            let error = #expect(throws: GeoDatabaseError.corruptData) { try database.lookup(ip(address)) }
            #expect(error?.description.hasPrefix("GeoIP database \(database.path): corrupt data section") == true)
        }
        // The fast path reads only some keys, but never returns a value from a bad record.
        for address in ["9.0.0.1", "9.0.1.1", "9.0.2.1"] {
            #expect(throws: GeoDatabaseError.corruptData) { try database.location(for: ip(address)) }
        }
    }
}
