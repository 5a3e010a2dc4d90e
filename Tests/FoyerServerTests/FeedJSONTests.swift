import Foundation
import FoyerCore
@testable import FoyerServer
import Testing

@Suite("Feed JSON")
struct FeedJSONTests {
    /// What JSONEncoder makes of the same message (the reference), parsed.
    private func reference(_ event: RegistryEvent) throws -> NSDictionary {
        let data = try JSONEncoder().encode(FeedMessage.event(event))
        return try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    private func written(_ event: RegistryEvent) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(FeedJSON.event(event))) as? NSDictionary)
    }

    private static let entry = Entry(
        id: "e_abc", tab: "tab-secret-1", number: 7, status: .online, connectedAt: 1_764_000_000_000,
        pageSince: 1_764_000_100_000, url: "https://example.com/a/b", title: "Quote \" back\\slash \n tab\t bell\u{7} ünï ✓",
        referrer: "", language: "tr-TR", timezone: "Europe/Istanbul", returning: true,
        location: VisitorLocation(countryCode: "TR", country: "Türkiye", city: nil, latitude: 41.0, longitude: 28.9666, source: .timezone),
        pages: [PageView(url: "https://example.com/", title: "Home", at: 1), PageView(url: "https://example.com/a/b", title: "</script>", at: 2)])

    @Test func entriesMatchWhatJSONEncoderWrites() throws {
        var offline = Self.entry
        offline.status = .offline
        offline.leftAt = 1_764_000_200_000
        offline.location = nil
        offline.chatID = "c_1"
        offline.pages = []
        for event in [RegistryEvent.added(Self.entry), .changed(Self.entry), .changed(offline)] {
            #expect(try written(event) == reference(event))
        }
        let text = String(decoding: FeedJSON.event(.added(Self.entry)), as: UTF8.self)
        #expect(!text.contains("tab-secret-1"), "the tab's identity stays on the server")
        #expect(text.contains(#""leftAt":null"#) && text.contains(#""chatId":null"#))
        #expect(!text.contains("city"), "absent location fields are left out")
    }

    @Test func otherEventsMatchWhatJSONEncoderWrites() throws {
        let events: [RegistryEvent] = [
            .removed(id: "e_1", reason: .archived), .counters(Counters(live: 3, chats: 1, waiting: 0)),
            .tracking(enabled: true), .tracking(enabled: false),
        ]
        for event in events { #expect(try written(event) == reference(event)) }
    }
}
