import Foundation
import FoyerCore
@testable import FoyerServer
import Testing

@Suite("Live log batches")
struct LiveBatchCodecTests {
    /// Text a visitor controls, with every byte the format treats specially.
    private static let hostile = "a\u{1F}b\u{1E}c\\d\\f\\r\\0\u{0}e | \"quote\" ünï ✓ 🎉 <img src=x onerror=alert(1)>"

    private static let location = VisitorLocation(
        countryCode: "TR", country: "Türkiye", city: "İstanbul", latitude: 41.01, longitude: 28.97, source: .database)

    private static let records: [LiveRecord] = [
        LiveRecord(account: "acc_1", command: .open(trackingEnabled: true)),
        LiveRecord(account: "acc_1", ticket: 7, command: .open(trackingEnabled: false)),
        LiveRecord(
            account: "acc_1", ticket: 8,
            command: .open(
                trackingEnabled: true,
                configuration: RegistryConfiguration(
                    entryLimit: 12, disconnectGraceMillis: 2_000, retentionMillis: 60_000, historyLimit: 3, returningAfterMillis: 5))),
        LiveRecord(
            account: "acc_1", ticket: 1,
            command: .hello(
                TabHello(
                    tab: "tab-1", browserFirstSeen: 1_764_000_000_000, url: "https://shop.example/?q=\(hostile)",
                    title: hostile, referrer: "https://t.co/x", language: "tr-TR", timezone: "Europe/Istanbul",
                    location: location),
                connection: 0xFFFF_FFFF_FFFF_FFFF, at: 1_764_000_000_123)),
        LiveRecord(
            account: "acc_1", ticket: nil,
            command: .hello(TabHello(tab: "tab-2", url: "https://shop.example/", title: ""), connection: 1 << 40 | 5, at: 0)),
        // Issue 18: device codes, visits and campaign after the client key (with or without one).
        LiveRecord(
            account: "acc_1",
            command: .hello(
                TabHello(
                    tab: "tab-3", url: "https://shop.example/", title: "", clientKey: "key-1",
                    device: DeviceInfo(type: .tablet, browserFamily: 5, browserMajor: 27, systemFamily: 5, systemMajor: 14),
                    campaign: Campaign(source: hostile, name: "xmas"), visits: 12),
                connection: 9, at: 10)),
        LiveRecord(
            account: "acc_1",
            command: .hello(TabHello(tab: "tab-4", url: "https://shop.example/", title: "", visits: 1), connection: 9, at: 10)),
        LiveRecord(account: "acc_1", command: .identify(tab: "tab-3", VisitorProfile(id: "42", name: hostile, verified: true), at: 11)),
        LiveRecord(
            account: "acc_1",
            command: .setAttributes(tab: "tab-3", [VisitorAttribute(name: "plan", value: .string(hostile)), VisitorAttribute(name: "n", value: .number(2.5))], at: 12)),
        LiveRecord(account: "acc_1", command: .track(tab: "tab-3", event: "signed-up", at: 13)),
        LiveRecord(account: "acc_1", command: .browser(tab: "tab-3", browser: "hash", visits: 2, at: 14)),
        LiveRecord(
            account: "acc_1", command: .hello(TabHello(tab: "tab-3", url: "https://shop.example/", title: "", browser: "b0c1"), connection: 6, at: 1)),
        LiveRecord(
            account: "acc_1",
            command: .hello(TabHello(tab: "tab-4", url: "https://shop.example/", title: "", clientKey: "k1", browser: "b\(hostile)"), connection: 7, at: 1)),
        LiveRecord(account: "acc_1", command: .activity(tab: "tab-1", inactive: true, at: 1_764_000_000_400)),
        LiveRecord(account: "acc_1", command: .activity(tab: "tab-1", inactive: false, at: 1_764_000_000_450)),
        LiveRecord(account: "acc_1", ticket: 4, command: .block(browser: "b0c1", until: 1_766_592_000_000, at: 1_764_000_000_460)),
        LiveRecord(account: "acc_1", command: .unblock(browser: "b0c1")),
        LiveRecord(account: "acc_1", command: .navigate(tab: "tab-1", url: "https://shop.example/\(hostile)", title: hostile, at: 1_764_000_000_500)),
        LiveRecord(account: "acc_1", command: .navigate(tab: "", url: "", title: "", at: -1)),
        LiveRecord(account: "acc_1", command: .retitle(tab: "tab-1", title: hostile)),
        LiveRecord(account: "acc_1", ticket: 2, command: .disconnect(tab: "tab-1", connection: 42, at: 1_764_000_001_000)),
        LiveRecord(account: "acc_1", ticket: 3, command: .startChat(tab: "tab-1", chat: "c_1", at: 5)),
        LiveRecord(account: "acc_1", command: .archiveChat(chat: "c_1", tab: "tab-1", at: 6)),
        LiveRecord(account: "acc_1", command: .setTracking(false)),
        LiveRecord(account: "acc_1", command: .setRules(RegistryConfiguration(entryLimit: 7), at: 9)),
        LiveRecord(account: "acc_1", command: .toTab(tab: "tab-1", message: #"{"t":"msg","text":"\#(hostile)"}"#)),
        LiveRecord(account: "acc_1", command: .stopTrackers(code: 4001, reason: hostile)),
        LiveRecord(account: "acc_1", command: .closeDashboards(code: 4401, reason: "removed", .user("u_1"))),
        LiveRecord(account: "acc_1", command: .closeDashboards(code: 4401, reason: "signed out", .session("hash"))),
        LiveRecord(account: "acc_1", command: .closeDashboards(code: 1001, reason: "", .all)),
        LiveRecord(account: "acc_1", command: .dashboards(node: 3, open: true)),
        LiveRecord(account: "acc_1", command: .dashboards(node: 3, open: false)),
        LiveRecord(account: nil, command: .tick(at: 1_764_000_002_000)),
        LiveRecord(account: nil, ticket: 9, command: .gone(nodes: [1, 2], at: 1_764_000_003_000)),
    ]

    @Test func everyCommandRoundTrips() throws {
        let body = LiveBatchCodec.encode(Self.records)
        #expect(try LiveBatchCodec.decode(body) == Self.records)
        for record in Self.records {
            #expect(try LiveBatchCodec.decode(LiveBatchCodec.encode([record])) == [record])
        }
    }

    /// The body goes into a `text` column and a `NOTIFY` payload: no NUL, and only the
    /// format's own separators delimit records and fields.
    @Test func bodyIsValidTextWithOnlyItsOwnSeparators() {
        let body = LiveBatchCodec.encode(Self.records)
        let bytes = Array(body.utf8)
        #expect(!bytes.contains(0))
        #expect(bytes.filter { $0 == LiveBatchCodec.recordSeparator }.count == Self.records.count)
        #expect(String(validating: bytes, as: UTF8.self) != nil)
    }

    @Test func frequentCommandsNeedNoJSON() {
        let navigate = LiveBatchCodec.encode([LiveRecord(account: "a", command: .navigate(tab: "t", url: "u", title: "x", at: 1))])
        #expect(navigate == "1\u{1E}a\u{1F}\u{1F}n\u{1F}t\u{1F}u\u{1F}x\u{1F}1")
        #expect(!navigate.contains("{"))
    }

    /// Batches written by the first cluster release (a JSON array) still read.
    @Test func readsJSONBatches() throws {
        let json = String(decoding: try JSONEncoder().encode(Self.records), as: UTF8.self)
        #expect(try LiveBatchCodec.decode(json) == Self.records)
    }

    @Test(arguments: [
        "", "2\u{1E}a", "1x", "1\u{1E}a\u{1F}\u{1F}n\u{1F}t", "1\u{1E}a\u{1F}\u{1F}q", "1\u{1E}a\u{1F}\u{1F}t\u{1F}soon",
        "1\u{1E}a\u{1F}-1\u{1F}t\u{1F}1", "1\u{1E}a\u{1F}\u{1F}t\u{1F}1\u{1F}extra", "1\u{1E}a\\\u{1F}\u{1F}t\u{1F}1",
        "1\u{1E}a\\q\u{1F}\u{1F}t\u{1F}1", "1\u{1E}a\u{1F}\u{1F}j\u{1F}{not json", "[{\"c\":1}]",
        "1\u{1E}a\u{1F}\u{1F}o\u{1F}1\u{1F}12,2", "1\u{1E}a\u{1F}\u{1F}o\u{1F}1\u{1F}0,1,2,3,4", "1\u{1E}a\u{1F}\u{1F}o\u{1F}1",
        "1\u{1E}a\u{1F}\u{1F}h\u{1F}1\u{1F}2\u{1F}tab\u{1F}\u{1F}u\u{1F}t\u{1F}r\u{1F}l\u{1F}z\u{1F}{bad",
    ])
    func malformedBatchesAreRefused(body: String) {
        #expect(throws: (any Error).self) { try LiveBatchCodec.decode(body) }
    }

    /// Random damage to a real batch never crashes the reader: it decodes or throws.
    @Test func damagedBatchesNeverCrash() {
        var generator = SplitMix64(seed: 0xF0E1)
        let original = Array(LiveBatchCodec.encode(Self.records).utf8)
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert([0x1E, 0x1F, 0x5C][Int(generator.next() % 3)], at: index)
                }
            }
            _ = try? LiveBatchCodec.decode(String(decoding: bytes, as: UTF8.self))
        }
    }
}
