import Foundation
import Logging
import FoyerServer
import FoyerStore
import Testing

@Suite("Health, metrics and pages", .serialized)
struct OperationsTests {
    @Test func healthReadinessAndMetrics() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-metrics-01"))
        _ = try await tab.next()
        #expect(try await RawHTTP.request(port: server.port, path: "/healthz").status == 200)
        #expect(try await RawHTTP.request(port: server.port, path: "/readyz").status == 200)
        let metrics = try await RawHTTP.request(port: server.port, path: "/metrics")
        #expect(metrics.body.contains("foyer_tracker_sockets 1"))
        #expect(metrics.body.contains(#"foyer_entries{status="online"} 1"#))
        #expect(metrics.body.contains("foyer_feed_latency_seconds_bucket"))
        #expect(metrics.body.contains("foyer_waiting_tabs"))
        #expect(metrics.body.contains("foyer_tracker_events_total"))
        await server.stop()
    }

    @Test func pagesNeedASessionAndCarrySecurityHeaders() async throws {
        let server = try await TestServer.start()
        let (_, cookie) = try await server.makeAccount("shop")
        let anonymous = try await RawHTTP.request(port: server.port, path: "/visitors")
        #expect(anonymous.status == 303 && anonymous.headers["location"] == "/signin")
        let signedIn = try await RawHTTP.request(port: server.port, path: "/visitors", headers: ["Cookie": cookie])
        #expect(signedIn.status == 200)
        #expect(signedIn.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(signedIn.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        let tracker = try await RawHTTP.request(port: server.port, path: "/foyer.js")
        #expect(tracker.status == 200 && tracker.headers["content-type"]?.hasPrefix("text/javascript") == true)
        let me = try await RawHTTP.request(port: server.port, path: "/api/me", headers: ["Cookie": cookie])
        #expect(me.status == 200 && me.body.contains(#""role":"owner""#))
        #expect(try await RawHTTP.request(port: server.port, path: "/api/me").status == 401)
        #expect(try await RawHTTP.request(port: server.port, path: "/assets/../Package.swift").status == 404)
        await server.stop()
    }

    @Test func aMissingGeoDatabaseStopsStartUpNamingTheFile() async throws {
        let store = try await SQLiteStore.open(directory: NSTemporaryDirectory() + "foyer-geo-" + UUID().uuidString, logger: Logger(label: "test"))
        var configuration = FoyerConfiguration()
        configuration.port = 0
        configuration.geoipDatabase = "/nonexistent/GeoLite2-City.mmdb"
        do {
            _ = try await FoyerApplication.build(configuration: configuration, store: store, logger: Logger(label: "test"))
            Issue.record("start-up should fail")
        } catch {
            #expect("\(error)".contains("/nonexistent/GeoLite2-City.mmdb"))
        }
        try await store.close()
    }

    @Test func gracefulShutdownTellsEverySocketAndKeepsTheEntries() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-graceful-1"))
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)
        await server.stopGracefully()
        #expect(try await tab.closed() == (1001, "server shutting down"))
        #expect(try await feed.closed().code == 1001)
        let again = try await TestServer.start(directory: server.directory)
        let restored = try #require(try await again.feed(cookie: try await again.signIn("owner@shop.example")).nextJSON())
        #expect((restored["entries"] as? [[String: Any]])?.count == 1)
        await again.stop()
    }
}
