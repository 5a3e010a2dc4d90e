import FoyerCore
import Testing

/// SPEC section 11's limits and the campaign of a landing page.
@Suite("Profile rules and campaigns")
struct ProfileRulesTests {
    @Test func namesAreShortAndPlain() {
        #expect(ProfileRules.isName("plan"))
        #expect(ProfileRules.isName("Customer id.v2 - beta_1"))
        #expect(ProfileRules.isName(String(repeating: "a", count: 40)))
        #expect(!ProfileRules.isName(String(repeating: "a", count: 41)), "41 characters")
        #expect(!ProfileRules.isName(""))
        #expect(!ProfileRules.isName("   "), "only spaces")
        #expect(!ProfileRules.isName("<b>"))
        #expect(!ProfileRules.isName("na\u{202E}me"), "a bidirectional override")
        #expect(!ProfileRules.isName("ünïcode"))
    }

    @Test func valuesAreBoundedAndCleaned() throws {
        #expect(try ProfileRules.value(String(repeating: "x", count: 200)).get().count == 200)
        #expect(throws: ProfileRules.Refusal.self) { try ProfileRules.value(String(repeating: "x", count: 201)).get() }
        #expect(try ProfileRules.value("gold\u{202E}\u{0007}") .get() == "gold", "controls and bidi characters are dropped")
        // One character with thousands of combining marks: few characters, many bytes.
        let heavy = "x" + String(repeating: "\u{0301}", count: 8_000)
        #expect(heavy.count == 1)
        #expect(throws: ProfileRules.Refusal.self) { try ProfileRules.value(heavy).get() }
        #expect(throws: ProfileRules.Refusal.self) { try ProfileRules.identity(id: heavy, name: nil, email: nil, hash: nil).get() }
        #expect(throws: ProfileRules.Refusal.self) { try ProfileRules.identity(id: "42", name: heavy, email: nil, hash: nil).get() }
        #expect(try ProfileRules.value(String(repeating: "😀", count: 200)).get().count == 200, "four-byte characters fit")
        #expect(throws: ProfileRules.Refusal.self) { try ProfileRules.number(.infinity).get() }
        #expect(try ProfileRules.number(2.5).get() == 2.5)
    }

    @Test func identityLimits() throws {
        let good = try ProfileRules.identity(id: "42", name: "Ada \u{202E}Lovelace", email: "ada@example.com", hash: String(repeating: "aB", count: 32)).get()
        #expect(good.0.id == "42")
        #expect(good.0.name == "Ada Lovelace", "cleaned like titles")
        #expect(good.0.email == "ada@example.com")
        #expect(good.0.verified == false, "verifying is the server's")
        #expect(good.hash == String(repeating: "ab", count: 32))
        let refusals: [(String?, String?, String?, String?, String)] = [
            (nil, nil, nil, nil, "id is required"),
            ("", nil, nil, nil, "id must be 1-200 characters"),
            (String(repeating: "i", count: 201), nil, nil, nil, "id must be 1-200 characters"),
            ("1", String(repeating: "n", count: 101), nil, nil, "name too long (max 100 characters)"),
            ("1", nil, String(repeating: "e", count: 250) + "@a.io", nil, "email too long (max 254 characters)"),
            ("1", nil, "not an address", nil, "email is not an address"),
            ("1", nil, "a@b", nil, "email is not an address"),
            ("1", nil, "a b@example.com", nil, "email is not an address"),
            ("1", nil, nil, "xyz", "hash must be 64 hex digits (HMAC-SHA256 of id)"),
            ("1", nil, nil, String(repeating: "g", count: 64), "hash must be 64 hex digits (HMAC-SHA256 of id)"),
        ]
        for (id, name, email, hash, reason) in refusals {
            switch ProfileRules.identity(id: id, name: name, email: email, hash: hash) {
            case .success: Issue.record("accepted \(String(describing: id)) \(String(describing: email)) \(String(describing: hash))")
            case .failure(let refusal): #expect(refusal.reason == reason)
            }
        }
        #expect(try ProfileRules.identity(id: String(repeating: "i", count: 200), name: String(repeating: "n", count: 100), email: nil, hash: nil).get().0.id?.count == 200)
    }

    @Test func campaignKeepsOnlyTheThreeUTMParameters() throws {
        let campaign = try #require(Campaign(landingURL: "https://shop.example/?utm_source=news+letter&token=secret&utm_medium=email&UTM_CAMPAIGN=%F0%9F%8E%84%20sale#x"))
        #expect(campaign.source == "news letter")
        #expect(campaign.medium == "email")
        #expect(campaign.name == "🎄 sale")
        #expect(Campaign(landingURL: "https://shop.example/?token=secret&q=shoes") == nil)
        #expect(Campaign(landingURL: "https://shop.example/#utm_source=x") == nil, "a fragment is not a query")
        let long = try #require(Campaign(landingURL: "https://shop.example/?utm_source=" + String(repeating: "s", count: 300)))
        #expect(long.source?.count == Campaign.maxCharacters)
        let hostile = try #require(Campaign(landingURL: "https://shop.example/?utm_source=a%E2%80%AEb%00c"))
        #expect(hostile.source == "abc", "bidi and control characters are dropped")
    }

    @Test func attributesMergeAndEventsAreBounded() {
        var registry = AccountRegistry(seed: 1)
        _ = registry.connect(TabHello(tab: "t.tab", url: "https://shop.example/", title: "Home"), connection: 1, now: 0)
        _ = registry.setAttributes(tab: "t.tab", [VisitorAttribute(name: "plan", value: .string("free")), VisitorAttribute(name: "seats", value: .number(1))], now: 1)
        _ = registry.setAttributes(tab: "t.tab", [VisitorAttribute(name: "plan", value: .string("gold"))], now: 2)
        _ = registry.identify(tab: "t.tab", identity: VisitorProfile(id: "42", name: "Ada", verified: true), now: 3)
        let profile = registry.entry(tab: "t.tab")?.profile
        #expect(profile?.attributes.map(\.name) == ["plan", "seats"], "known names in place, identify keeps them")
        #expect(profile?.attributes.first?.value == .string("gold"))
        #expect(profile?.name == "Ada" && profile?.verified == true)
        let thirty = (0..<30).map { VisitorAttribute(name: "a\($0)", value: .bool(true)) }
        #expect(registry.setAttributes(tab: "t.tab", thirty, now: 4).isEmpty, "32 in all is refused whole")
        for index in 0..<60 { _ = registry.track(tab: "t.tab", event: "e\(index)", now: Int64(index)) }
        let events = registry.entry(tab: "t.tab")?.events ?? []
        #expect(events.count == Entry.maxEvents)
        #expect(events.first?.name == "e10" && events.last?.name == "e59")
        #expect(MemoryLayout<VisitorProfile?>.size == 8, "one reference per entry")
        #expect(MemoryLayout<Campaign?>.size == 8, "one reference per entry")
    }

    @Test func packedAttributesReadBackExactly() {
        let attributes = [
            VisitorAttribute(name: "empty", value: .string("")), VisitorAttribute(name: "text", value: .string("Grüße 🎄 a=b;c")),
            VisitorAttribute(name: "int", value: .number(3)), VisitorAttribute(name: "real", value: .number(-0.1)),
            VisitorAttribute(name: "big", value: .number(1e300)), VisitorAttribute(name: "yes", value: .bool(true)),
            VisitorAttribute(name: "no", value: .bool(false)),
        ]
        let profile = VisitorProfile(id: "1", attributes: attributes)
        #expect(profile.attributes == attributes)
        var renamed = profile
        renamed.name = "Ada"
        #expect(renamed.attributes == attributes, "changing another field keeps them")
        #expect(renamed != profile && renamed.name == "Ada")
    }
}
