import FoyerCore
import FoyerGeo
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Location resolver chain")
struct LocationResolverTests {
    let logger = Logger(label: "test.geo")

    func resolver(database: Bool = true, proxies: [String] = ["10.0.0.0/8"], edge: EdgeHeaderProvider? = .cloudflare) throws -> LocationResolver {
        try LocationResolver(
            configuration: GeoConfiguration(
                databasePath: database ? Fixtures.path("city-ipv6-24.mmdb") : nil,
                trustedProxies: proxies, edgeHeaders: edge
            ),
            logger: logger
        )
    }

    let cloudflareTR = [(name: "cf-ipcountry", value: "TR"), (name: "cf-ipcity", value: "Ankara")]

    @Test("a visitor in Europe/Istanbul with no database is placed in Istanbul, Türkiye")
    func timezoneOnly() throws {
        let resolver = try LocationResolver(configuration: GeoConfiguration(), logger: logger)
        #expect(resolver.watcher == nil)
        let location = try #require(resolver.resolve(peer: "81.2.69.142", headers: [], timezone: "Europe/Istanbul"))
        #expect(location.countryCode == "TR")
        #expect(location.country == "Türkiye")
        #expect(location.city == "Istanbul")
        #expect(location.source == .timezone)
        #expect(location.isApproximate)
        #expect(resolver.resolve(peer: nil, headers: [], timezone: nil) == nil)
        #expect(resolver.resolve(peer: nil, headers: [], timezone: "Not/AZone") == nil)
    }

    @Test("the database comes first, for IPv4 and IPv6 clients")
    func databaseFirst() throws {
        let resolver = try resolver()
        #expect(resolver.watcher != nil)
        let london = try #require(resolver.resolve(peer: "81.2.69.142", headers: cloudflareTR, timezone: "Europe/Istanbul"))
        #expect(london == VisitorLocation(countryCode: "GB", country: "United Kingdom", city: "London", latitude: 51.5142, longitude: -0.0931, source: .database))
        let ankara = try #require(resolver.resolve(peer: "2a02:ff00::5", headers: [], timezone: nil))
        #expect(ankara.city == "Ankara")
        #expect(ankara.source == .database)
        // Through a trusted proxy, the forwarded address is looked up.
        let forwarded = resolver.resolve(peer: "10.0.0.5", headers: [(name: "x-forwarded-for", value: "81.2.69.142")], timezone: nil)
        #expect(forwarded?.city == "London")
    }

    @Test("unknown and private addresses fall through to edge headers, then the timezone")
    func fallThrough() throws {
        let resolver = try resolver()
        // Not in the file.
        let edge = resolver.resolve(peer: "10.0.0.5", headers: [(name: "x-forwarded-for", value: "8.8.8.8")] + cloudflareTR, timezone: nil)
        #expect(edge == VisitorLocation(countryCode: "TR", country: "Türkiye", city: "Ankara", source: .edge))
        // 10.0.0.0/8 is in the fixture file, but private addresses are never looked up.
        let privateClient = resolver.resolve(peer: "10.1.2.3", headers: [], timezone: "Europe/Istanbul")
        #expect(privateClient?.source == .timezone)
        #expect(resolver.resolve(peer: "::1", headers: [], timezone: "Europe/Kiev")?.city == "Kyiv")
        #expect(resolver.resolve(peer: "2001:db8::1", headers: [], timezone: nil) == nil)
    }

    @Test("edge headers from an untrusted peer are ignored")
    func untrustedEdge() throws {
        let resolver = try resolver(database: false)
        #expect(resolver.resolve(peer: "8.8.8.8", headers: cloudflareTR, timezone: nil) == nil)
        #expect(resolver.resolve(peer: "10.0.0.9", headers: cloudflareTR, timezone: nil)?.source == .edge)
        // Not configured at all: never read.
        let none = try self.resolver(database: false, edge: nil)
        #expect(none.resolve(peer: "10.0.0.9", headers: cloudflareTR, timezone: "Europe/Zurich")?.source == .timezone)
        // Configured without trusted proxies (Foyer directly behind the edge): read.
        let direct = try self.resolver(database: false, proxies: [])
        #expect(direct.resolve(peer: "8.8.8.8", headers: cloudflareTR, timezone: nil)?.countryCode == "TR")
    }

    @Test("a record with only a country fills the name from the table; registered country is used")
    func countryOnly() throws {
        let resolver = try resolver()
        let anycast = try #require(resolver.resolve(peer: "1.1.1.1", headers: [], timezone: nil))
        #expect(anycast == VisitorLocation(countryCode: "AU", country: "Australia", source: .database))
        let china = try #require(resolver.resolve(peer: "175.16.199.10", headers: [], timezone: nil))
        #expect(china.city == nil && china.country == "China" && china.latitude == 35)
    }

    @Test("a bad database path fails at start naming the file")
    func badDatabase() {
        #expect {
            try LocationResolver(configuration: GeoConfiguration(databasePath: "/missing/city.mmdb"), logger: logger)
        } throws: { error in
            (error as? GeoDatabaseError)?.description.hasPrefix("GeoIP database /missing/city.mmdb:") == true
        }
        #expect(throws: GeoConfigurationError.invalidTrustedProxy) {
            try LocationResolver(configuration: GeoConfiguration(trustedProxies: ["nope"]), logger: logger)
        }
    }
}

@Suite("Database reload")
struct GeoDatabaseWatcherTests {
    let logger = Logger(label: "test.geo.watcher")

    /// Replaces the file at `url` by renaming a new one over it, as geoipupdate does.
    func replace(_ url: URL, with data: Data) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(UUID().uuidString)
        try data.write(to: temporary)
        #expect(rename(temporary.path, url.path) == 0)
    }

    func copy(_ fixture: String, to url: URL) throws {
        try replace(url, with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path(fixture))))
    }

    @Test("a replaced file is swapped in; a broken replacement keeps the old reader")
    func reload() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("city.mmdb")
        try FileManager.default.copyItem(atPath: Fixtures.path("city-ipv6-24.mmdb"), toPath: path.path)
        let watcher = try GeoDatabaseWatcher(path: path.path, interval: .milliseconds(10), logger: logger)
        #expect(watcher.database?.metadata.databaseType == "Foyer-Test-City")
        #expect(!watcher.reloadIfChanged(), "unchanged file")

        try copy("ipinfo-ipv4-24.mmdb", to: path)
        #expect(watcher.reloadIfChanged())
        #expect(watcher.database?.metadata.databaseType == "ipinfo standard_location.mmdb")
        #expect(try watcher.database?.location(for: ip("8.8.8.8"))?.city == "Mountain View")

        // A truncated replacement: refused, the previous reader stays.
        try replace(path, with: Data(repeating: 7, count: 100))
        #expect(!watcher.reloadIfChanged())
        #expect(watcher.database?.metadata.databaseType == "ipinfo standard_location.mmdb")
        #expect(!watcher.reloadIfChanged(), "reported once")

        // A missing file for a moment changes nothing.
        try FileManager.default.removeItem(at: path)
        #expect(!watcher.reloadIfChanged())
        try copy("city-ipv6-24.mmdb", to: path)
        #expect(watcher.reloadIfChanged())
        #expect(watcher.database?.metadata.databaseType == "Foyer-Test-City")
    }

    @Test("the service reloads on its interval and stops when cancelled")
    func service() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("city.mmdb")
        try FileManager.default.copyItem(atPath: Fixtures.path("city-ipv6-24.mmdb"), toPath: path.path)
        let watcher = try GeoDatabaseWatcher(path: path.path, interval: .milliseconds(5), logger: logger)
        let task = Task { try await watcher.run() }
        try copy("ipinfo-ipv4-24.mmdb", to: path)
        // Bounded wait for the service's own check (at most 5 s).
        let deadline = ContinuousClock.now + .seconds(5)
        while watcher.database?.metadata.ipVersion != 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(watcher.database?.metadata.ipVersion == 4)
        task.cancel()
        try await task.value
    }
}
