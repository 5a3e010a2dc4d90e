import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// A busy shop over real sockets (issue 19, item 2): tabs leave and arrive all the
/// time with a small `--entry-limit`. The map must show who is there: connected tabs
/// appear at once while Offline history makes room for them.
@Suite("Busy shop: people who are there come before history", .serialized)
struct BusyShopTests {
    /// What the dashboard shows, from its feed: entry id → status, and the removals' reasons.
    struct Dashboard {
        var status: [String: String] = [:]
        /// Entry id of each page URL (every visitor here shows its own page).
        var idOfURL: [String: String] = [:]
        var reasons: [String: Int] = [:]
        var waiting = 0

        mutating func apply(_ message: [String: Any]) {
            switch message["type"] as? String {
            case "snapshot":
                for case let entry as [String: Any] in message["entries"] as? [Any] ?? [] {
                    if let id = entry["id"] as? String { status[id] = entry["status"] as? String }
                }
            case "added":
                if let entry = message["entry"] as? [String: Any], let id = entry["id"] as? String {
                    status[id] = entry["status"] as? String
                    idOfURL[entry["url"] as? String ?? ""] = id
                }
            case "changed":
                if let id = message["id"] as? String, let set = message["set"] as? [String: Any], let new = set["status"] as? String {
                    status[id] = new
                }
            case "removed":
                if let id = message["id"] as? String { status[id] = nil }
                reasons[message["reason"] as? String ?? "", default: 0] += 1
            case "counters":
                waiting = (message["counters"] as? [String: Int])?["waiting"] ?? 0
            default:
                break
            }
        }

        func count(_ wanted: String) -> Int { status.values.filter { $0 == wanted }.count }

        /// The status shown for the visitor of page `serial`, `nil` once removed.
        func status(ofVisitor serial: Int) -> String? { idOfURL["https://shop.example/p/\(serial)"].flatMap { status[$0] } }
    }

    /// Reads the feed until `done` holds. A tab's close reaches the server a moment after
    /// the client saw it, so the grace may start after an advance of the clock: the clock
    /// is advanced past the grace again while nothing comes (at most 10 times).
    private func settle(
        _ feed: TestSocket, _ clock: ManualClock, into dashboard: inout Dashboard, until done: (Dashboard) -> Bool
    ) async throws {
        var advances = 0
        while !done(dashboard) {
            do {
                if let message = try await feed.nextJSON(timeout: .milliseconds(500)) {
                    dashboard.apply(message)
                    continue
                }
            } catch is TestTimeout {}
            advances += 1
            try #require(advances <= 10, "the dashboard never showed the expected state: \(dashboard.status)")
            clock.advance(millis: 2_500)
        }
    }

    @Test func connectedTabsAppearWhileHistoryMakesRoom() async throws {
        let limit = 20
        let clock = ManualClock()
        // A busy shop's visitors come from many addresses; these all come from one, so the
        // per-address share is opened to the whole limit here (it has tests of its own).
        let server = try await TestServer.start(clock: clock) {
            $0.entryLimit = limit
            $0.addressSharePercent = 100
        }
        let (account, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        var dashboard = Dashboard()
        dashboard.apply(try #require(try await feed.nextJSON()))  // snapshot

        // The shop fills: every place taken by tabs that came and went (Offline history).
        var serial = 0
        var present: [(serial: Int, socket: TestSocket)] = []
        var gone: [Int] = []
        func arrive() async throws -> (serial: Int, socket: TestSocket) {
            serial += 1
            let tab = server.tracker(siteKey: account.siteKey)
            tab.send(json: hello(tab: "tab-busy-\(10_000 + serial)", url: "https://shop.example/p/\(serial)"))
            let reply = try await tab.next()
            #expect(reply == #"{"t":"ok","r":1}"#, "visitor \(serial) was not shown at once (\(reply ?? "nothing")) while the map held history")
            return (serial, tab)
        }
        for _ in 0..<limit { present.append(try await arrive()) }
        for tab in present {
            tab.socket.close()
            _ = try await tab.socket.closed()
        }
        present = []
        clock.advance(millis: 2_500)  // past the test server's 2 s grace
        try await settle(feed, clock, into: &dashboard) { $0.count("offline") == limit }

        // Then the busy hours: each round six visitors arrive, and six of those present
        // leave once there are more than twelve.
        for round in 0..<6 {
            for _ in 0..<6 { present.append(try await arrive()) }
            if present.count > 12 {
                for tab in present.prefix(6) {
                    tab.socket.close()
                    _ = try await tab.socket.closed()
                    gone.append(tab.serial)
                }
                present.removeFirst(6)
            }
            clock.advance(millis: 2_500)
            let here = present.map(\.serial)
            try await settle(feed, clock, into: &dashboard) { dashboard in
                here.allSatisfy { dashboard.status(ofVisitor: $0) == "online" }
                    && gone.allSatisfy { dashboard.status(ofVisitor: $0) != "online" }
            }
            #expect(dashboard.waiting == 0, "round \(round): \(dashboard.waiting) connected tabs wait unseen")
        }
        #expect(dashboard.count("online") == present.count, "every visitor who is there is on the map")
        #expect(dashboard.status.count == limit, "history keeps the places nobody needs")
        #expect(dashboard.reasons["made room"] ?? 0 > 0 && dashboard.reasons["expired"] == nil)
        await server.stop()
    }
}
