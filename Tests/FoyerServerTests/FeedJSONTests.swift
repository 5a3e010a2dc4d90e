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
        var invited = Self.entry
        invited.invitation = Invitation(id: "i_1", message: "Hi \"there\" ✓\n", agent: "Ada </b>", agentID: "u_1", sentAt: 5)
        var automatic = invited
        automatic.invitation?.trigger = "t_9"
        automatic.invitation?.state = .expired
        for event in [RegistryEvent.added(Self.entry), .added(offline), .added(invited), .added(automatic)] {
            #expect(try written(event) == reference(event))
        }
        let text = String(decoding: FeedJSON.event(.added(Self.entry)), as: UTF8.self)
        #expect(!text.contains("tab-secret-1"), "the tab's identity stays on the server")
        #expect(text.contains(#""leftAt":null"#) && text.contains(#""chatId":null"#))
        #expect(!text.contains("city"), "absent location fields are left out")
        #expect(text.contains(#""invitation":null"#))
        let invitedText = String(decoding: FeedJSON.event(.added(invited)), as: UTF8.self)
        #expect(invitedText.contains(#""trigger":null"#) && !invitedText.contains("u_1"), "the agent's user id stays on the server")
    }

    /// What a dashboard holding `previous` makes of a `changed` message, as store.js merges it.
    private func merged(_ previous: Entry, _ message: NSDictionary) throws -> NSDictionary {
        let old = try #require(try written(.added(previous))["entry"] as? [String: Any])
        var entry = old
        for (key, value) in message["set"] as? [String: Any] ?? [:] { entry[key] = value }
        if let pages = message["pages"] as? [String: Any] {
            let history = try #require(old["pages"] as? [Any])
            let drop = try #require(pages["drop"] as? Int)
            let keep = try #require(pages["keep"] as? Int)
            entry["pages"] = Array(history[drop..<(drop + keep)]) + (try #require(pages["add"] as? [Any]))
        }
        return entry as NSDictionary
    }

    @Test func changedCarriesOnlyWhatChanged() throws {
        let start = Self.entry
        var navigated = start
        navigated.url = "https://example.com/c"
        navigated.title = "C"
        navigated.pageSince = 3
        navigated.pages = [start.pages[1], PageView(url: "https://example.com/c", title: "C", at: 3)]
        var retitled = navigated
        retitled.title = "C (2)"
        retitled.pages[1].title = "C (2)"
        var offline = retitled
        offline.status = .offline
        offline.leftAt = 9
        offline.location = nil
        var chatting = start
        chatting.status = .chatting
        chatting.chatID = "c_1"
        var back = offline
        back.status = .online
        back.leftAt = nil
        var invited = start
        invited.invitation = Invitation(id: "i_1", message: "Hello", agent: "Ada", sentAt: 4)
        var seen = invited
        seen.invitation?.state = .seen
        seen.invitation?.updatedAt = 5
        for (previous, entry) in [(start, navigated), (navigated, retitled), (retitled, offline), (start, chatting), (offline, back), (start, invited), (invited, seen)] {
            let message = try written(.changed(EntryUpdate(entry: entry, previous: previous)))
            #expect(message["type"] as? String == "changed" && message["id"] as? String == entry.id)
            #expect(try merged(previous, message) == (try written(.added(entry))["entry"] as? NSDictionary), "the merge rebuilds the entry")
        }
        let navigation = try written(.changed(EntryUpdate(entry: navigated, previous: start)))
        #expect(Set((navigation["set"] as? [String: Any] ?? [:]).keys) == ["url", "title", "pageSince"])
        #expect(navigation["pages"] as? NSDictionary == ["drop": 1, "keep": 1, "add": [["url": "https://example.com/c", "title": "C", "at": 3]]])
        let status = try written(.changed(EntryUpdate(entry: offline, previous: retitled)))
        #expect(status["pages"] == nil, "an unchanged history is not sent")
        #expect(status["set"] as? NSDictionary == ["status": "offline", "leftAt": 9, "location": NSNull()])
    }

    @Test func aNavigationOfAWorstCaseEntrySendsOnlyTheNewPage() throws {
        // 50 pages of 2,048-byte URLs and 300-character titles of 4-byte characters.
        let title = String(repeating: "\u{1F600}", count: 300)
        var entry = Self.entry
        entry.pages = (0..<50).map { PageView(url: "https://example.com/" + String(repeating: "a", count: 2_028) + "\($0)", title: title, at: Int64($0)) }
        var next = entry
        next.pages.removeFirst()
        next.pages.append(PageView(url: "https://example.com/new", title: title, at: 99))
        next.url = "https://example.com/new"
        next.pageSince = 99
        let whole = FeedJSON.event(.added(next)).count
        let delta = FeedJSON.event(.changed(EntryUpdate(entry: next, previous: entry))).count
        #expect(whole > 100_000)
        #expect(delta < 2_600, "a navigation sends the new page (\(delta) bytes), not the entry (\(whole) bytes)")
    }

    @Test func otherEventsMatchWhatJSONEncoderWrites() throws {
        let events: [RegistryEvent] = [
            .removed(id: "e_1", reason: .archived), .counters(Counters(live: 3, chats: 1, waiting: 0)),
            .tracking(enabled: true), .tracking(enabled: false),
        ]
        for event in events { #expect(try written(event) == reference(event)) }
    }
}
