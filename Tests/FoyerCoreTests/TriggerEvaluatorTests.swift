import Foundation
import FoyerCore
import Testing

@Suite("Trigger evaluation")
struct TriggerEvaluatorTests {
    let start: Int64 = 1_764_000_000_000

    func entry(
        url: String = "https://shop.example/pricing", pageSince: Int64? = nil, pages: Int = 1, returning: Bool = false,
        referrer: String = "", country: String? = nil
    ) -> Entry {
        Entry(
            id: "e_1", tab: "tab-aaaaaaaa", number: 1, status: .online, connectedAt: start, pageSince: pageSince ?? start,
            url: url, title: "Pricing", referrer: referrer, language: "en", timezone: "UTC", returning: returning,
            location: country.map { VisitorLocation(countryCode: $0, source: .edge) },
            pages: [PageView(url: url, title: "Pricing", at: start)], pageCount: pages)
    }

    func trigger(_ id: String, enabled: Bool = true, _ conditions: TriggerConditions) -> Trigger {
        Trigger(id: id, name: id, message: "Hello", enabled: enabled, conditions: conditions)
    }

    @Test func pageURLContainsIsAPlainCaseInsensitiveSubstring() {
        let rule = [trigger("t", TriggerConditions(urlContains: "/PRICING"))]
        #expect(TriggerEvaluator.evaluate(entry(), triggers: rule, now: start) == .fire(rule[0]))
        #expect(TriggerEvaluator.evaluate(entry(url: "https://shop.example/"), triggers: rule, now: start) == .never)
        // Regular-expression characters are plain text.
        let dot = [trigger("t", TriggerConditions(urlContains: "shop.example/p.*"))]
        #expect(TriggerEvaluator.evaluate(entry(), triggers: dot, now: start) == .never)
    }

    @Test func secondsOnPageGivesTheTimeItCouldFire() {
        let rule = [trigger("t", TriggerConditions(urlContains: "/pricing", secondsOnPage: 5))]
        #expect(TriggerEvaluator.evaluate(entry(), triggers: rule, now: start + 4_999) == .wait(until: start + 5_000))
        #expect(TriggerEvaluator.evaluate(entry(), triggers: rule, now: start + 5_000) == .fire(rule[0]))
        #expect(TriggerEvaluator.evaluate(entry(url: "https://shop.example/"), triggers: rule, now: start + 9_000) == .never)
    }

    @Test func pagesReturningCountryAndReferrer() {
        #expect(TriggerEvaluator.evaluate(entry(pages: 2), triggers: [trigger("t", TriggerConditions(pagesViewed: 3))], now: start) == .never)
        #expect(TriggerEvaluator.evaluate(entry(pages: 3), triggers: [trigger("t", TriggerConditions(pagesViewed: 3))], now: start) != .never)
        #expect(TriggerEvaluator.evaluate(entry(returning: false), triggers: [trigger("t", TriggerConditions(returning: true))], now: start) == .never)
        #expect(TriggerEvaluator.evaluate(entry(returning: false), triggers: [trigger("t", TriggerConditions(returning: false))], now: start) != .never)
        let country = [trigger("t", TriggerConditions(countries: ["DE", "TR"]))]
        #expect(TriggerEvaluator.evaluate(entry(country: "TR"), triggers: country, now: start) != .never)
        #expect(TriggerEvaluator.evaluate(entry(country: "FR"), triggers: country, now: start) == .never)
        #expect(TriggerEvaluator.evaluate(entry(), triggers: country, now: start) == .never, "no known country: no match")
        let referrer = [trigger("t", TriggerConditions(referrerHost: "Example.com"))]
        #expect(TriggerEvaluator.evaluate(entry(referrer: "https://example.com/a"), triggers: referrer, now: start) != .never)
        #expect(TriggerEvaluator.evaluate(entry(referrer: "https://news.example.com:8443/a"), triggers: referrer, now: start) != .never)
        #expect(TriggerEvaluator.evaluate(entry(referrer: "https://badexample.com/"), triggers: referrer, now: start) == .never)
        #expect(TriggerEvaluator.evaluate(entry(referrer: ""), triggers: referrer, now: start) == .never)
    }

    @Test func firstInOrderWinsAndDisabledNeverFires() {
        let rules = [
            trigger("off", enabled: false, TriggerConditions()),
            trigger("later", TriggerConditions(secondsOnPage: 30)),
            trigger("now", TriggerConditions(urlContains: "pricing")),
            trigger("also", TriggerConditions()),
        ]
        #expect(TriggerEvaluator.evaluate(entry(), triggers: rules, now: start) == .fire(rules[2]))
        #expect(TriggerEvaluator.evaluate(entry(), triggers: Array(rules.prefix(2)), now: start) == .wait(until: start + 30_000))
    }

    @Test func aHostileURLCannotMakeMatchingSlow() {
        // 2,048 characters of "a" against 200 characters of "a…ab": linear, not 400,000 steps per trigger.
        let url = "https://shop.example/" + String(repeating: "a", count: 2_000)
        let needle = String(repeating: "a", count: 199) + "b"
        let rules = (0..<50).map { trigger("t\($0)", TriggerConditions(urlContains: needle)) }
        let clock = ContinuousClock()
        let took = clock.measure {
            for _ in 0..<20 { #expect(TriggerEvaluator.evaluate(entry(url: url), triggers: rules, now: start) == .never) }
        }
        #expect(took < .seconds(2), "1,000 evaluations of the worst case took \(took)")
        // The registry's way: patterns prepared once, same answers.
        let patterns = rules.map { $0.conditions.urlContains.map(TriggerPattern.init) }
        #expect(TriggerEvaluator.evaluate(entry(url: url), triggers: rules, patterns: patterns, now: start) == .never)
        let found = [trigger("t", TriggerConditions(urlContains: "AAB"))]
        #expect(TriggerEvaluator.evaluate(entry(url: url + "b"), triggers: found, patterns: [TriggerPattern("AAB")], now: start) == .fire(found[0]))
    }
}

extension TriggerEvaluatorTests {
    @Test func thePairsTestNeverRulesOutAURLThatHoldsTheText() {
        // Random URLs and needles over a small alphabet (so many needles do occur, in any
        // case): the prepared patterns answer exactly as a plain case-insensitive search.
        var random = SplitMix64(seed: 15)
        let alphabet = Array("abAB/-.x1")
        func text(_ count: Int) -> String { String((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }) }
        var found = 0
        for _ in 0..<2_000 {
            let url = "https://shop.example/" + text(Int(random.next() % 40))
            let needles = (0..<3).map { _ in text(1 + Int(random.next() % 4)) }
            let rules = needles.enumerated().map { trigger("t\($0.offset)", TriggerConditions(urlContains: $0.element)) }
            let patterns = needles.map { Optional(TriggerPattern($0)) }
            let expected = rules.first { url.lowercased().contains($0.conditions.urlContains!.lowercased()) }
            let verdict = TriggerEvaluator.evaluate(entry(url: url), triggers: rules, patterns: patterns, now: start)
            #expect(verdict == (expected.map { .fire($0) } ?? .never), "\(url) \(needles)")
            if expected != nil { found += 1 }
        }
        #expect(found > 500 && found < 1_900, "both answers tested: \(found) of 2,000 found")
    }

    @Test func aPatternEncodesAsBeforeItsPairs() throws {
        // Registry snapshots hold the patterns: the pairs are derived, not stored.
        let pattern = TriggerPattern("/Pricing")
        let json = try JSONEncoder().encode(pattern)
        let keys = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any]).keys.sorted()
        #expect(keys == ["fallback", "needle"])
        #expect(try JSONDecoder().decode(TriggerPattern.self, from: json) == pattern)
    }
}

@Suite("Registry triggers")
struct RegistryTriggerTests {
    let start: Int64 = 1_764_000_000_000

    func hello(_ tab: String, url: String) -> TabHello {
        TabHello(tab: tab, url: url, title: "Page", language: "en", timezone: "UTC")
    }

    func pricing() -> Trigger {
        Trigger(id: "tr_1", name: "Pricing", message: "Questions about plans?", conditions: TriggerConditions(urlContains: "/pricing", secondsOnPage: 5))
    }

    @Test func quietWithoutADashboardAndScheduledOnlyForMatchingPages() throws {
        var registry = AccountRegistry(seed: 1)
        registry.setTriggers([pricing()])
        let a = registry.connect(hello("tab-aaaaaaaa", url: "https://shop.example/pricing"), connection: 1, now: start)
        _ = registry.runTriggers(after: a.events, now: start)
        let id = try #require(registry.entry(tab: "tab-aaaaaaaa")?.id)
        #expect(registry.triggerCheck(entryID: id) == nil, "no page open: nothing is scheduled")

        registry.dashboards(node: 0, open: true)
        #expect(registry.triggerCheck(entryID: id) == Int64.min, "a page opened: evaluated at the next tick")
        _ = registry.runTriggers(after: registry.tick(now: start + 1_000), now: start + 1_000)
        #expect(registry.triggerCheck(entryID: id) == start + 5_000)

        let b = registry.connect(hello("tab-bbbbbbbb", url: "https://shop.example/"), connection: 2, now: start + 1_000)
        _ = registry.runTriggers(after: b.events, now: start + 1_000)
        let other = try #require(registry.entry(tab: "tab-bbbbbbbb")?.id)
        #expect(registry.triggerCheck(entryID: other) == nil, "/ can never match")

        // Navigating away drops the wait; chatting drops it too.
        let moved = registry.navigate(tab: "tab-aaaaaaaa", url: "https://shop.example/about", title: "About", now: start + 2_000)
        _ = registry.runTriggers(after: moved, now: start + 2_000)
        #expect(registry.triggerCheck(entryID: id) == nil)
        #expect(registry.entry(id: id)?.pageCount == 2)
        let back = registry.navigate(tab: "tab-aaaaaaaa", url: "https://shop.example/pricing", title: "Pricing", now: start + 3_000)
        _ = registry.runTriggers(after: back, now: start + 3_000)
        #expect(registry.triggerCheck(entryID: id) == start + 8_000)
        _ = registry.runTriggers(after: registry.startChat(tab: "tab-aaaaaaaa", chatID: "c_1", now: start + 4_000), now: start + 4_000)
        #expect(registry.triggerCheck(entryID: id) == nil, "never while chatting")
    }
}

@Suite("Registry triggers firing")
struct RegistryTriggerFiringTests {
    let start: Int64 = 1_764_000_000_000

    func hello(_ tab: String, url: String) -> TabHello {
        TabHello(tab: tab, url: url, title: "Page", language: "en", timezone: "UTC")
    }

    func pricing() -> Trigger {
        Trigger(id: "tr_1", name: "Pricing", message: "Questions about plans?", conditions: TriggerConditions(urlContains: "/pricing", secondsOnPage: 5))
    }

    @Test func firesOnceAfterFiveSecondsOnPricingAndNeverOnHome() throws {
        var registry = AccountRegistry(seed: 1)
        registry.setTriggers([pricing()])
        registry.dashboards(node: 0, open: true)
        for (tab, url) in [("tab-aaaaaaaa", "https://shop.example/pricing"), ("tab-bbbbbbbb", "https://shop.example/")] {
            let hello = registry.connect(self.hello(tab, url: url), connection: tab == "tab-aaaaaaaa" ? 1 : 2, now: start)
            _ = registry.runTriggers(after: hello.events, now: start)
        }
        var fired: [RegistryEvent] = []
        for second in 1...20 {
            let now = start + Int64(second) * 1000
            let fire = registry.runTriggers(after: registry.tick(now: now), now: now)
            if second < 5 { #expect(fire.isEmpty, "nothing before 5 s (at \(second) s)") }
            fired += fire
        }
        #expect(fired.count == 1)
        let invited = try #require(registry.entry(tab: "tab-aaaaaaaa")?.invitation)
        #expect(invited.trigger == "tr_1" && invited.message == "Questions about plans?" && invited.agent == "Team")
        #expect(invited.sentAt == start + 5_000)
        #expect(registry.entry(tab: "tab-aaaaaaaa")?.autoInvited == true)
        #expect(registry.entry(tab: "tab-bbbbbbbb")?.invitation == nil, "/ never matches")

        // Dismissed, then back on /pricing: no second automatic invitation this visit.
        _ = registry.updateInvitation(tab: "tab-aaaaaaaa", id: invited.id, state: .dismissed, now: start + 21_000)
        let moved = registry.navigate(tab: "tab-aaaaaaaa", url: "https://shop.example/pricing/team", title: "Team", now: start + 22_000)
        #expect(registry.runTriggers(after: moved, now: start + 22_000).isEmpty)
        #expect(registry.runTriggers(after: registry.tick(now: start + 60_000), now: start + 60_000).isEmpty)
    }

    @Test func aDismissalBeforeALaterInvitationByHandStillKeepsTriggersAway() throws {
        var registry = AccountRegistry(configuration: RegistryConfiguration(invitationExpiryMillis: 10_000), seed: 1)
        registry.dashboards(node: 0, open: true)
        let hello = registry.connect(self.hello("tab-aaaaaaaa", url: "https://shop.example/"), connection: 1, now: start)
        _ = registry.runTriggers(after: hello.events, now: start)
        let entryID = try #require(registry.entry(tab: "tab-aaaaaaaa")?.id)
        // An agent invites by hand; the visitor dismisses it.
        _ = try registry.invite(entryID: entryID, invitation: Invitation(id: "i_a", message: "Hi", agent: "Ada", sentAt: 0), now: start + 1_000).get()
        _ = registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_a", state: .dismissed, now: start + 2_000)
        // Another agent invites by hand; that one runs out.
        _ = try registry.invite(entryID: entryID, invitation: Invitation(id: "i_b", message: "Hello?", agent: "Bo", sentAt: 0), now: start + 3_000).get()
        _ = registry.tick(now: start + 14_000)
        #expect(registry.entry(tab: "tab-aaaaaaaa")?.invitation?.state == .expired)
        // Now a trigger that matches every page: it must not invite this visit.
        registry.setTriggers([Trigger(id: "tr_1", name: "All", message: "Hi")])
        #expect(registry.runTriggers(after: registry.tick(now: start + 15_000), now: start + 15_000).isEmpty)
        let moved = registry.navigate(tab: "tab-aaaaaaaa", url: "https://shop.example/pricing", title: "Pricing", now: start + 16_000)
        #expect(registry.runTriggers(after: moved, now: start + 16_000).isEmpty)
    }

    @Test func quietWhileNobodyWatches() {
        var registry = AccountRegistry(seed: 1)
        registry.setTriggers([Trigger(id: "tr_1", name: "All", message: "Hi")])
        let hello = registry.connect(self.hello("tab-aaaaaaaa", url: "https://shop.example/"), connection: 1, now: start)
        #expect(registry.runTriggers(after: hello.events, now: start).isEmpty)
        #expect(registry.runTriggers(after: registry.tick(now: start + 1_000), now: start + 1_000).isEmpty)
        registry.dashboards(node: 0, open: true)
        #expect(registry.runTriggers(after: registry.tick(now: start + 2_000), now: start + 2_000).count == 1)
    }

    /// Random connects, navigations, disconnects, chats, dismissals, dashboards opening and
    /// closing and time: no tab is ever invited automatically twice in a visit, and never
    /// while it chats or nobody watches.
    @Test func neverTwiceNeverWhileChatting() {
        let urls = ["https://shop.example/", "https://shop.example/pricing", "https://shop.example/pricing/pro", "https://shop.example/about"]
        let triggers = [
            Trigger(id: "tr_a", name: "A", message: "A", position: 0, conditions: TriggerConditions(urlContains: "pricing", secondsOnPage: 3)),
            Trigger(id: "tr_b", name: "B", message: "B", position: 1, conditions: TriggerConditions(pagesViewed: 3)),
        ]
        var total = 0
        for seed in 0..<200 {
            var random = SplitMix64(seed: UInt64(seed))
            var registry = AccountRegistry(seed: 7)
            registry.setTriggers(triggers)
            var now = start
            var invitedTabs: Set<String> = []
            var connection: ConnectionID = 0
            for _ in 0..<80 {
                now += Int64.random(in: 100...2_500, using: &random)
                let tab = "tab-\(Int.random(in: 0..<4, using: &random))-aaaaaa"
                var events: [RegistryEvent]
                var touched: [String] = []
                switch Int.random(in: 0..<9, using: &random) {
                case 0, 1:
                    connection += 1
                    let result = registry.connect(hello(tab, url: urls.randomElement(using: &random)!), connection: connection, now: now)
                    events = result.events
                    if case .shown(let id, true) = result.outcome { touched.append(id) }
                case 2, 3: events = registry.navigate(tab: tab, url: urls.randomElement(using: &random)!, title: "P", now: now)
                case 4: events = registry.disconnect(tab: tab, connection: connection, now: now)
                case 5: events = registry.startChat(tab: tab, chatID: "c-\(tab)", now: now)
                case 6:
                    let id = registry.entry(tab: tab)?.invitation?.id ?? ""
                    events = registry.updateInvitation(tab: tab, id: id, state: .dismissed, now: now)
                case 7: registry.dashboards(node: Int64.random(in: 0...1, using: &random), open: Bool.random(using: &random)); events = []
                default: events = registry.tick(now: now)
                }
                let watched = registry.isWatched
                let fired = registry.runTriggers(after: events, touched: touched, now: now)
                for case .changed(let update) in fired {
                    let entry = update.entry
                    #expect(update.previous.chatID == nil && update.previous.status == .online, "seed \(seed): invited while chatting or gone")
                    #expect(watched, "seed \(seed): invited while nobody watched")
                    #expect(invitedTabs.insert(entry.tab).inserted, "seed \(seed): \(entry.tab) invited twice in a visit")
                    total += 1
                }
            }
        }
        #expect(total > 100, "the runs invite often enough to mean something (\(total))")
    }
}
