import FoyerCore
import FoyerGeo
import Testing

@Suite("Timezone and edge-header sources")
struct LocationSourceTests {
    @Test("the timezone table places zones, old names included")
    func timezones() throws {
        let table = TimezoneTable.shared
        #expect(table.zoneCount > 300)
        let istanbul = try #require(table.place(forZone: "Europe/Istanbul"))
        #expect(istanbul.countryCode == "TR")
        #expect(istanbul.city == "Istanbul")
        #expect(abs(istanbul.latitude - 41.0167) < 0.01 && abs(istanbul.longitude - 28.9667) < 0.01)
        #expect(table.place(forZone: "Asia/Istanbul") == istanbul)
        #expect(table.place(forZone: "europe/istanbul") == istanbul)
        #expect(table.place(forZone: "Europe/Kiev")?.city == "Kyiv")
        #expect(table.place(forZone: "US/Eastern")?.city == "New York")
        #expect(table.place(forZone: "Asia/Calcutta")?.countryCode == "IN")
        #expect(table.place(forZone: "America/Argentina/Buenos_Aires")?.city == "Buenos Aires")
        #expect(table.place(forZone: "America/Sao_Paulo")?.latitude ?? 0 < 0)
        #expect(table.place(forZone: "Europe/Zurich")?.countryCode == "CH")
        #expect(table.place(forZone: "Mars/Olympus_Mons") == nil)
        #expect(table.countryName(forCode: "TR") == "Türkiye")
        #expect(table.countryName(forCode: "de") == "Germany")
        #expect(table.countryName(forCode: "ZZ") == nil)
    }

    @Test("flag emoji from regional indicators")
    func flags() {
        #expect(flagEmoji(countryCode: "TR") == "🇹🇷")
        #expect(flagEmoji(countryCode: "gb") == "🇬🇧")
        #expect(flagEmoji(countryCode: "T1") == nil)
        #expect(flagEmoji(countryCode: "TUR") == nil)
        #expect(flagEmoji(countryCode: "") == nil)
    }

    @Test("Cloudflare headers, with unknown and Tor codes ignored")
    func cloudflare() {
        let locator = EdgeHeaderLocator(provider: .cloudflare)
        let full = locator.location(headers: [
            (name: "cf-ipcountry", value: "TR"), (name: "cf-ipcity", value: "Istanbul"),
            (name: "cf-iplatitude", value: "41.01"), (name: "cf-iplongitude", value: "28.97"),
        ])
        #expect(full == VisitorLocation(countryCode: "TR", country: "Türkiye", city: "Istanbul", latitude: 41.01, longitude: 28.97, source: .edge))
        #expect(locator.location(headers: [(name: "cf-ipcountry", value: "XX")]) == nil)
        #expect(locator.location(headers: [(name: "cf-ipcountry", value: "T1")]) == nil)
        #expect(locator.location(headers: [(name: "cf-ipcountry", value: "Turkey")]) == nil)
        #expect(locator.location(headers: []) == nil)
        let outOfRange = locator.location(headers: [(name: "cf-ipcountry", value: "de"), (name: "cf-iplatitude", value: "91"), (name: "cf-iplongitude", value: "10")])
        #expect(outOfRange == VisitorLocation(countryCode: "DE", country: "Germany", source: .edge))
        // Other providers' headers are not read.
        #expect(locator.location(headers: [(name: "cloudfront-viewer-country", value: "US")]) == nil)
    }

    @Test("CloudFront headers, country name from the header and city percent-decoded")
    func cloudfront() {
        let locator = EdgeHeaderLocator(provider: .cloudfront)
        let found = locator.location(headers: [
            (name: "cloudfront-viewer-country", value: "CH"), (name: "cloudfront-viewer-country-name", value: "Switzerland"),
            (name: "cloudfront-viewer-city", value: "Z%C3%BCrich"),
            (name: "cloudfront-viewer-latitude", value: "47.37"), (name: "cloudfront-viewer-longitude", value: "8.54"),
        ])
        #expect(found == VisitorLocation(countryCode: "CH", country: "Switzerland", city: "Zürich", latitude: 47.37, longitude: 8.54, source: .edge))
        let generic = EdgeHeaderLocator(provider: .generic).location(headers: [(name: "x-geo-country", value: "fr"), (name: "x-geo-city", value: "Lyon")])
        #expect(generic == VisitorLocation(countryCode: "FR", country: "France", city: "Lyon", source: .edge))
    }
}
