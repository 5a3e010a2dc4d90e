import FoyerGeo
import Testing

@Suite("City database download URLs")
struct GeoDownloadConfigurationTests {
    let configuration = GeoDownloadConfiguration(destination: "/data/geo/city.mmdb")

    @Test("this month's edition first, then last month's, months zero-padded")
    func thisMonthThenLast() {
        #expect(configuration.urls(year: 2026, month: 12) == [
            "https://download.db-ip.com/free/dbip-city-lite-2026-12.mmdb.gz",
            "https://download.db-ip.com/free/dbip-city-lite-2026-11.mmdb.gz",
        ])
        #expect(configuration.urls(year: 2027, month: 3).first == "https://download.db-ip.com/free/dbip-city-lite-2027-03.mmdb.gz")
    }

    @Test("in January the fallback is December of the year before")
    func januaryFallsBackAcrossTheYear() {
        #expect(configuration.urls(year: 2027, month: 1).last == "https://download.db-ip.com/free/dbip-city-lite-2026-12.mmdb.gz")
    }

    @Test("a mirror's fixed address is used as given, once")
    func fixedAddress() {
        let mirror = GeoDownloadConfiguration(urlTemplate: "http://mirror.internal/city.mmdb", destination: "/data/geo/city.mmdb")
        #expect(mirror.urls(year: 2027, month: 1) == ["http://mirror.internal/city.mmdb"])
    }
}
