import Foundation
import FoyerCore
@testable import FoyerStore
import Testing

/// The hand-written entry row reads back, through `Entry`'s own `Codable`, as the entry.
@Suite("Entry rows")
struct EntryRecordJSONTests {
    @Test func randomEntriesReadBackEqual() throws {
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<500 {
            let entry = Self.entry(&random)
            let json = EntryRecordJSON.encode(entry)
            #expect(try JSONDecoder().decode(Entry.self, from: Data(json.utf8)) == entry, "\(json)")
        }
    }

    @Test func hostileTextStaysInsideItsString() throws {
        let text = "\"}],\"number\":999,\"x\":\"\\\u{0}\u{1F}\n\r\t\u{8}\u{C}</script>é🙂"
        var entry = Self.entry(&SplitMixBox.shared)
        entry.title = text
        entry.url = text
        let json = EntryRecordJSON.encode(entry)
        let decoded = try JSONDecoder().decode(Entry.self, from: Data(json.utf8))
        #expect(decoded.title == text && decoded.url == text && decoded.number == entry.number)
    }

    @Test func missingOptionalsAreLeftOut() {
        var random = SplitMix64(seed: 1)
        var entry = Self.entry(&random)
        entry.leftAt = nil
        entry.chatID = nil
        entry.location = nil
        entry.invitation = nil
        entry.autoInvited = nil
        let json = EntryRecordJSON.encode(entry)
        #expect(!json.contains("leftAt") && !json.contains("chatID") && !json.contains("location"))
        #expect(!json.contains("invitation") && !json.contains("autoInvited"))
    }

    private enum SplitMixBox {
        nonisolated(unsafe) static var shared = SplitMix64(seed: 7)
    }

    private static func text(_ random: inout SplitMix64) -> String {
        let pieces = ["a", "Ä", "\"", "\\", "/", "\n", "\u{1}", "\u{7F}", "🙂", "日本", " ", "<b>", "\t", "e\u{301}"]
        return (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    private static func entry(_ random: inout SplitMix64) -> Entry {
        let location: VisitorLocation? =
            Bool.random(using: &random)
            ? VisitorLocation(
                countryCode: Bool.random(using: &random) ? "TR" : nil, country: Bool.random(using: &random) ? text(&random) : nil,
                city: Bool.random(using: &random) ? text(&random) : nil,
                latitude: Bool.random(using: &random) ? Double.random(in: -90...90, using: &random) : nil,
                longitude: Bool.random(using: &random) ? [0, 28.97, -122.4194, 1e-7, 180].randomElement(using: &random)! : nil,
                source: [.database, .edge, .timezone].randomElement(using: &random)!)
            : nil
        return Entry(
            id: "e_" + text(&random), tab: text(&random), number: Int.random(in: 1...100_000, using: &random),
            status: EntryStatus.allCases.randomElement(using: &random)!, connectedAt: Int64.random(in: 0...2_000_000_000_000, using: &random),
            pageSince: Int64.random(in: 0...2_000_000_000_000, using: &random),
            leftAt: Bool.random(using: &random) ? Int64.random(in: 0...2_000_000_000_000, using: &random) : nil, url: text(&random),
            title: text(&random), referrer: text(&random), language: text(&random), timezone: text(&random),
            returning: Bool.random(using: &random), location: location,
            pages: (0..<Int.random(in: 0...4, using: &random)).map { _ in
                PageView(url: text(&random), title: text(&random), at: Int64.random(in: 0...2_000_000_000_000, using: &random))
            },
            chatID: Bool.random(using: &random) ? text(&random) : nil,
            pageCount: Bool.random(using: &random) ? Int.random(in: 1...900, using: &random) : nil,
            invitation: Bool.random(using: &random) ? invitation(&random) : nil,
            autoInvited: [nil, true, false].randomElement(using: &random)!,
            profile: Bool.random(using: &random) ? profile(&random) : nil,
            device: Bool.random(using: &random) ? DeviceInfo(type: .mobile, browserFamily: 2, browserMajor: 131, systemFamily: 3, systemMajor: 15) : nil,
            visits: Bool.random(using: &random) ? Int.random(in: 1...500, using: &random) : nil,
            campaign: Bool.random(using: &random) ? Campaign(source: text(&random), medium: nil, name: text(&random)) : nil,
            events: Bool.random(using: &random) ? [TrackedEvent(name: text(&random), at: 5)] : nil,
            browser: Bool.random(using: &random) ? text(&random) : nil,
            inactiveSince: Bool.random(using: &random) ? 42 : nil)
    }

    private static func profile(_ random: inout SplitMix64) -> VisitorProfile {
        VisitorProfile(
            id: text(&random), name: Bool.random(using: &random) ? text(&random) : nil, email: nil, verified: Bool.random(using: &random),
            attributes: [
                VisitorAttribute(name: "plan", value: .string(text(&random))), VisitorAttribute(name: "seats", value: .number(3)),
                VisitorAttribute(name: "trial", value: .bool(true)),
            ])
    }

    private static func invitation(_ random: inout SplitMix64) -> Invitation {
        Invitation(
            id: "i_" + text(&random), message: text(&random), agent: text(&random),
            agentID: Bool.random(using: &random) ? text(&random) : nil, trigger: Bool.random(using: &random) ? text(&random) : nil,
            state: InvitationState.allCases.randomElement(using: &random)!, sentAt: Int64.random(in: 0...2_000_000_000_000, using: &random),
            updatedAt: Int64.random(in: 0...2_000_000_000_000, using: &random))
    }
}
