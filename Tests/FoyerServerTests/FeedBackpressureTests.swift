import Foundation
import FoyerServer
import FoyerStore
import Testing

/// A dashboard that stops reading must not make the server hold its feed without limit.
@Suite("Feed back-pressure over real sockets", .serialized)
struct FeedBackpressureTests {
    @Test func aDashboardThatStopsReadingIsClosedWhileOthersKeepUp() async throws {
        let server = try await TestServer.start { $0.maxFeedQueueBytes = 256 * 1024 }
        let (account, cookie) = try await server.makeAccount("shop")
        let stalled = try await RawSocket.stallingWebSocket(port: server.port, path: "/feed", headers: ["Cookie": cookie])
        let feed = server.feed(cookie: cookie)
        #expect(try #require(try await feed.nextJSON())["type"] as? String == "snapshot")

        let tabs = (0..<32).map { _ in server.tracker(siteKey: account.siteKey) }
        for (index, tab) in tabs.enumerated() {
            tab.send(json: hello(tab: "tab-stalled-\(1000 + index)"))
            #expect(try await tab.next() == #"{"t":"ok","r":1}"#)
        }
        // Long URLs and titles of 4-byte characters: each change carries the new page
        // (~6 KB here, the URL and title twice), so the 800 changes are ~5 MB, far more
        // than the bound and the kernel's buffers. One change at a time, so the reading
        // dashboard is never far behind.
        let long = String(repeating: "x", count: 1_900)
        let title = String(repeating: "\u{1F600}", count: 290)
        let rounds = 25
        var changed = 0
        for round in 0..<rounds {
            for tab in tabs {
                tab.send(json: ["t": "page", "url": "https://shop.example/\(long)/\(round)", "title": "\(title) \(round)"])
                while true {
                    let message = try #require(try await feed.nextJSON(), "the reading dashboard keeps getting events")
                    if message["type"] as? String == "changed" { break }
                }
                changed += 1
            }
        }
        #expect(changed == tabs.count * rounds)

        // The stalled one was closed: once it reads again it finds the close frame after
        // what was already on its way, and the server no longer counts it.
        let metrics = try await RawHTTP.request(port: server.port, path: "/metrics").body
        #expect(metrics.contains("foyer_feed_overflows_total 1\n"))
        #expect(metrics.contains("foyer_feed_sockets 1.0\n"), "the stalled feed no longer receives")
        let (code, texts) = try await stalled.readUntilClose()
        #expect(code == 4008)
        #expect(texts >= 1, "the snapshot came first")
        #expect(texts < 1 + tabs.count * 2 + tabs.count * rounds, "the queue was dropped, not delivered")
        await server.stop()
    }
}
