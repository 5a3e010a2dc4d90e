import Foundation
import FoyerCore
import Testing

@testable import FoyerServer

/// A snapshot of a full account of worst-case entries stays small enough for a dashboard
/// to take in within a second (issue 19, item 3; figures in docs/BENCHMARKS.md).
@Suite("Snapshot size")
struct SnapshotSizeTests {
    @Test func fiveHundredWorstCaseEntriesStaySmall() throws {
        let start: Int64 = 1_764_000_000_000
        var registry = AccountRegistry(seed: 1)
        let title = String(repeating: "\u{1F600}", count: TextLimits.maxTitleCharacters)
        func url(_ tab: Int, _ page: Int) -> String {
            let path = "/\(tab)/\(page)/"
            return "https://shop.example" + path + String(repeating: "x", count: URLSanitizer.maxURLCharacters - 20 - path.count)
        }
        let referrer = "https://referrer.example/" + String(repeating: "r", count: URLSanitizer.maxURLCharacters - 25)
        for tab in 0..<500 {
            let hello = TabHello(
                tab: "tab-worst-\(tab)", url: url(tab, 0), title: title, referrer: referrer, language: "en-US",
                timezone: "America/Argentina/ComodRivadavia",
                location: VisitorLocation(countryCode: "AR", country: "Argentina", city: "Comodoro Rivadavia", latitude: -45.86, longitude: -67.48, source: .timezone))
            _ = registry.connect(hello, connection: ConnectionID(tab), now: start)
            for page in 1...50 {
                _ = registry.navigate(tab: "tab-worst-\(tab)", url: url(tab, page), title: title, now: start + Int64(page))
            }
        }
        #expect(registry.counters.live == 500)
        let entries = registry.shownEntries
        let began = ContinuousClock.now
        let snapshot = FeedMessage.snapshot(
            tracking: true, limit: 500, entries: entries, counters: registry.counters, chats: [], now: start).encoded()
        let encoding = ContinuousClock.now - began
        let perEntry = snapshot.count / 500
        print("snapshot of 500 worst-case entries: \(snapshot.count) bytes (\(perEntry) per entry), encoded in \(encoding)")
        #expect(snapshot.count < 8_000_000, "a full account of worst-case entries is \(snapshot.count) bytes")
        if let path = ProcessInfo.processInfo.environment["FOYER_SNAPSHOT_OUT"] {
            try Data(snapshot).write(to: URL(fileURLWithPath: path))
        }
    }
}
