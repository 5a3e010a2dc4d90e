import Foundation
import Testing

@testable import FoyerCore

/// Entries and profiles are stored compactly (issue 18: memory per socket); they must
/// still read, compare and encode exactly like plain values.
@Suite("Compact entry storage")
struct EntryStorageTests {
    private func entry(pages: [PageView]) -> Entry {
        Entry(
            id: "e_1", tab: "t.tab", number: 7, status: .online, connectedAt: 1, pageSince: 2, url: "https://shop.example/a",
            title: "A", referrer: "", language: "en", timezone: "UTC", returning: false, location: nil, pages: pages, pageCount: 1)
    }

    @Test func theCurrentPageIsTheLastOfThePagesWithoutBeingKeptTwice() throws {
        let first = PageView(url: "https://shop.example/a", title: "A", at: 2)
        var entry = entry(pages: [first])
        #expect(entry.pages == [first])
        let original = entry
        // Changing the current page alone leaves the history as it was.
        entry.title = "B"
        #expect(entry.pages == [first] && entry != original)
        entry.pages[0].title = "B"
        #expect(entry.pages == [PageView(url: "https://shop.example/a", title: "B", at: 2)])
        // Back to the same values: the same entry, whatever the way there.
        entry.title = "A"
        entry.pages = [first]
        #expect(entry == original && entry.hashValue == original.hashValue)
        // A navigation, by field and at once, gives one value.
        var byField = original
        byField.url = "https://shop.example/b"
        byField.pageSince = 5
        byField.pages.append(PageView(url: "https://shop.example/b", title: "A", at: 5))
        var atOnce = original
        atOnce.setPage(url: "https://shop.example/b", title: "A", since: 5, pages: [first, PageView(url: "https://shop.example/b", title: "A", at: 5)])
        #expect(byField == atOnce && byField.pages.count == 2)
        // Histories that do not end with the current page are kept as they are.
        let odd = self.entry(pages: [PageView(url: "https://shop.example/x", title: "X", at: 1)])
        #expect(odd.pages.map(\.url) == ["https://shop.example/x"] && self.entry(pages: []).pages.isEmpty)
        for value in [original, byField, odd] {
            #expect(try JSONDecoder().decode(Entry.self, from: JSONEncoder().encode(value)) == value)
        }
    }

    @Test func rareFieldsReadAndEncodeLikeStoredOnes() throws {
        var entry = entry(pages: [])
        let plain = entry
        entry.chatID = "c_1"
        entry.leftAt = 9
        entry.invitation = Invitation(id: "i_1", message: "Hi", agent: "Ada", sentAt: 3)
        entry.autoInvited = true
        entry.events = [TrackedEvent(name: "cart", at: 4)]
        entry.events?.append(TrackedEvent(name: "pay", at: 5))
        #expect(entry.chatID == "c_1" && entry.leftAt == 9 && entry.invitation?.agent == "Ada" && entry.autoInvited == true)
        #expect(entry.events?.map(\.name) == ["cart", "pay"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(entry)) as? [String: Any]
        #expect(json?["chatID"] as? String == "c_1" && json?["leftAt"] as? Int == 9 && json?["rareBox"] == nil)
        #expect(try JSONDecoder().decode(Entry.self, from: JSONEncoder().encode(entry)) == entry)
        entry.chatID = nil
        entry.leftAt = nil
        entry.invitation = nil
        entry.autoInvited = nil
        entry.events = nil
        #expect(entry == plain && entry.hashValue == plain.hashValue, "no box left behind")
        let bare = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plain)) as? [String: Any]
        #expect(bare.map { Set($0.keys) } == ["id", "tab", "number", "status", "connectedAt", "pageSince", "url", "title", "referrer", "language", "timezone", "returning", "pages", "pageCount"])
        #expect(MemoryLayout<Entry>.size <= 296, "an idle tab's entry stays small")
    }

    @Test func aProfileReadsBackEveryField() {
        let attributes = [VisitorAttribute(name: "plan", value: .string("gold")), VisitorAttribute(name: "seats", value: .number(3))]
        let profile = VisitorProfile(id: "42", name: "", email: "ada@example.com", verified: true, attributes: attributes)
        #expect(profile.id == "42" && profile.name == "" && profile.email == "ada@example.com" && profile.verified)
        #expect(profile.attributes == attributes && profile.isIdentified)
        var other = profile
        other.id = nil
        other.name = nil
        other.email = nil
        #expect(other.id == nil && other.name == nil && other.email == nil && !other.isIdentified && other.attributes == attributes)
        other.id = "42"
        other.name = ""
        other.email = "ada@example.com"
        #expect(other == profile && other.hashValue == profile.hashValue)
        #expect(VisitorProfile() == VisitorProfile(attributes: []) && !VisitorProfile().isIdentified)
    }
}
