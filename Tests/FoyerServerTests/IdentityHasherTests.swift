import FoyerCore
import Testing

@testable import FoyerServer

/// Browsers' and tabs' ids are kept only as keyed hashes.
@Suite("Identity hashes")
struct IdentityHasherTests {
    private let hasher = IdentityHasher(salt: "salt-of-this-store")

    @Test func tabKeysAreStablePerAccountAndGiveNothingAway() {
        let key = hasher.tab("tab-0123456789", accountID: "acc_1")
        #expect(key == hasher.tab("tab-0123456789", accountID: "acc_1"), "a returning tab finds its entry")
        #expect(key.hasPrefix("t.") && key.count == 34 && !key.contains("tab-0123456789"))
        #expect(key != hasher.tab("tab-0123456789", accountID: "acc_2"), "accounts do not share keys")
        #expect(key != IdentityHasher(salt: "another-store").tab("tab-0123456789", accountID: "acc_1"), "the store's salt is part of it")
        #expect(!IdentityHasher.isLegacyTab(key))
        #expect(hasher.browser("tab-0123456789", accountID: "acc_1") != String(key.dropFirst(2)), "browser and tab hashes differ for the same id")
    }

    @Test func entriesStoredByAnEarlierVersionAreKeyedOnLoad() {
        let legacy = Entry(
            id: "e_1", tab: "tab-legacy-0001", number: 1, status: .offline, connectedAt: 1, pageSince: 1, url: "https://a.example/", title: "",
            referrer: "", language: "", timezone: "", returning: false, location: nil, pages: [])
        var current = legacy
        current.id = "e_2"
        current.tab = hasher.tab("tab-now-0001", accountID: "acc_1")
        let keyed = LegacyTabs.keyed([legacy, current], accountID: "acc_1", hasher: hasher)
        #expect(keyed.map(\.tab) == [hasher.tab("tab-legacy-0001", accountID: "acc_1"), current.tab], "keys are not keyed twice")
    }
}
