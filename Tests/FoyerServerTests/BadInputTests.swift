import Foundation
import FoyerServer
import FoyerStore
import FoyerCore
import NIOCore
import NIOWebSocket
import Testing

/// Every bad input gets a defined answer and harms no one else.
@Suite("Bad input", .serialized)
struct BadInputTests {
    /// Sends `message` as a tab's first frames and returns how the server closed.
    func closeCode(_ server: TestServer, siteKey: String, _ send: (TestSocket) -> Void) async throws -> (code: Int, reason: String) {
        let tab = server.tracker(siteKey: siteKey)
        send(tab)
        return try await tab.closed()
    }

    @Test func trackerFramesAreValidated() async throws {
        let server = try await TestServer.start()
        let (account, cookie) = try await server.makeAccount("shop")
        let key = account.siteKey

        #expect(try await closeCode(server, siteKey: key) { $0.send("{not json") } == (1007, "invalid JSON"))
        #expect(try await closeCode(server, siteKey: key) {
            $0.sendFrame(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: [0x7B, 0xFF, 0xFE, 0x7D])))
        } == (1007, "invalid UTF-8"))
        #expect(try await closeCode(server, siteKey: key) {
            $0.sendFrame(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: [1, 2, 3])))
        } == (1003, "binary frames are not accepted"))
        #expect(try await closeCode(server, siteKey: key) { $0.send(json: ["t": "page", "url": "https://shop.example/"]) } == (1008, "hello expected"))
        #expect(try await closeCode(server, siteKey: key) { $0.send(json: hello(tab: "short")) } == (1008, "invalid tab id"))
        #expect(try await closeCode(server, siteKey: key) { $0.send(json: hello(tab: "tab-js-000001", url: "javascript:alert(1)")) } == (1008, "url must be http(s)"))
        let hugeTitle = String(repeating: "A", count: 1_000_000)
        #expect(try await closeCode(server, siteKey: key) { $0.send(json: hello(tab: "tab-huge-00001", title: hugeTitle)) }.code == 1009)
        #expect(try await closeCode(server, siteKey: key) { socket in
            socket.send(json: hello(tab: "tab-flood-0001"))
            for index in 0..<60 { socket.send(json: ["t": "title", "title": "T\(index)"]) }
        } == (1008, "rate limit exceeded"))

        // After all that, a well-behaved tab is still served and seen.
        let feed = server.feed(cookie: cookie)
        let snapshot = try #require(try await feed.nextJSON())
        let before = (snapshot["counters"] as? [String: Int])?["live"] ?? -1
        let good = server.tracker(siteKey: key)
        good.send(json: hello(tab: "tab-good-00001", title: "<img src=x onerror=alert(1)>"))
        #expect(try await good.next() == #"{"t":"ok","r":1}"#)
        let added = try #require(try await feed.nextJSON())
        #expect((added["entry"] as? [String: Any])?["title"] as? String == "<img src=x onerror=alert(1)>", "titles travel as data")
        let counters = try #require(try await feed.nextJSON())
        #expect((counters["counters"] as? [String: Int])?["live"] == before + 1, "the good tab is counted once")
        await server.stop()
    }

    @Test func upgradesAreRefusedWithJSON() async throws {
        let server = try await TestServer.start { $0.maxSocketsPerAddress = 3 }
        let (account, _) = try await server.makeAccount("shop", allowedOrigins: ["https://shop.example"])
        let (open, _) = try await server.makeAccount("open")

        let missing = try await RawHTTP.upgrade(port: server.port, path: "/track")
        #expect(missing.status == 400 && missing.body.contains("missing site parameter"))
        let unknown = try await RawHTTP.upgrade(port: server.port, path: "/track?site=fk_nope", headers: ["Origin": "https://shop.example"])
        #expect(unknown.status == 404 && unknown.body == #"{"error":"unknown site key"}"#)
        let foreign = try await RawHTTP.upgrade(port: server.port, path: "/track?site=\(account.siteKey)", headers: ["Origin": "https://evil.example"])
        #expect(foreign.status == 403 && foreign.body.contains("origin not allowed"))
        let noSession = try await RawHTTP.upgrade(port: server.port, path: "/feed")
        #expect(noSession.status == 401)
        let plain = try await RawHTTP.request(port: server.port, path: "/track?site=\(account.siteKey)")
        #expect(plain.status == 400 && plain.body.contains("WebSocket upgrade expected"))

        // A flood from one address: the fourth socket is refused, the first three live on.
        var tabs: [TestSocket] = []
        for index in 1...3 {
            let tab = server.tracker(siteKey: open.siteKey)
            tab.send(json: hello(tab: "tab-flood-\(index)xxxx"))
            #expect(try await tab.next() == #"{"t":"ok","r":1}"#)
            tabs.append(tab)
        }
        let refused = try await RawHTTP.upgrade(port: server.port, path: "/track?site=\(open.siteKey)")
        #expect(refused.status == 429 && refused.body.contains("too many connections"))
        tabs[0].send(json: ["t": "h"])
        tabs[0].send(json: ["t": "page", "url": "https://shop.example/still-here", "title": "Still here"])
        await server.stop()
    }

    @Test func signInErrorsDoNotSayWhichFieldWasWrong() async throws {
        let server = try await TestServer.start()
        _ = try await server.makeAccount("shop")
        let wrongPassword = try await RawHTTP.request(
            port: server.port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
            body: #"{"email":"owner@shop.example","password":"nope nope"}"#)
        let wrongEmail = try await RawHTTP.request(
            port: server.port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
            body: #"{"email":"nobody@shop.example","password":"nope nope"}"#)
        #expect(wrongPassword.status == 401 && wrongEmail.status == 401)
        #expect(wrongPassword.body == wrongEmail.body)
        let garbage = try await RawHTTP.request(
            port: server.port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"], body: "[1,2")
        #expect(garbage.status == 400 && garbage.body.hasPrefix(#"{"error":"#))
        let crossSite = try await RawHTTP.request(
            port: server.port, method: "POST", path: "/api/session",
            headers: ["Content-Type": "application/json", "Origin": "https://evil.example"],
            body: #"{"email":"owner@shop.example","password":"\#(TestServer.password)"}"#)
        #expect(crossSite.status == 403)
        await server.stop()
    }

    @Test func aSilentTrackerIsClosedAfterTheIdleTimeoutAndHeartbeatsKeepItOpen() async throws {
        let server = try await TestServer.start { $0.trackerIdleTimeoutSeconds = 1 }
        let (account, _) = try await server.makeAccount("shop")
        let silent = server.tracker(siteKey: account.siteKey)
        let beating = server.tracker(siteKey: account.siteKey)
        silent.send(json: hello(tab: "tab-silent-01"))
        beating.send(json: hello(tab: "tab-beating-1"))
        #expect(try await silent.next() == #"{"t":"ok","r":1}"#)
        #expect(try await beating.next() == #"{"t":"ok","r":1}"#)
        // Heartbeats every 300 ms: the beating tab outlives the silent one.
        let heartbeats = Task {
            while !Task.isCancelled {
                beating.send(#"{"t":"h"}"#)
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(try await silent.closed() == (4002, "idle timeout"))
        heartbeats.cancel()
        _ = await heartbeats.result
        // Still open: it answers a message a closed socket could not.
        beating.send(#"{"t":"history"}"#)
        #expect(try await beating.nextJSON()?["t"] as? String == "history")
        #expect(try await beating.closed() == (4002, "idle timeout"))
        await server.stop()
    }

    @Test func fragmentedMessagesAreJoinedWithinTheirLimits() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        let key = account.siteKey
        func fragment(_ text: String, first: Bool, last: Bool) -> WebSocketFrame {
            WebSocketFrame(fin: last, opcode: first ? .text : .continuation, maskKey: .random(), data: ByteBuffer(string: text))
        }
        // A hello in three fragments is one message.
        let tab = server.tracker(siteKey: key)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: hello(tab: "tab-fragments")), as: UTF8.self)
        let third = text.count / 3
        tab.sendFrame(fragment(String(text.prefix(third)), first: true, last: false))
        tab.sendFrame(fragment(String(text.dropFirst(third).prefix(third)), first: false, last: false))
        tab.sendFrame(fragment(String(text.dropFirst(2 * third)), first: false, last: true))
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)

        #expect(try await closeCode(server, siteKey: key) { $0.sendFrame(fragment("{}", first: false, last: true)) }
            == (1002, "fragments out of sequence"))
        #expect(try await closeCode(server, siteKey: key) { socket in
            socket.sendFrame(fragment("{", first: true, last: false))
            socket.sendFrame(fragment("{}", first: true, last: true))
        } == (1002, "fragments out of sequence"))
        #expect(try await closeCode(server, siteKey: key) { socket in
            socket.sendFrame(fragment("{", first: true, last: false))
            for _ in 0..<16 { socket.sendFrame(fragment(" ", first: false, last: false)) }
        } == (1009, "message too big"))
        #expect(try await closeCode(server, siteKey: key) { socket in
            socket.sendFrame(fragment(String(repeating: " ", count: 10_000), first: true, last: false))
            socket.sendFrame(fragment(String(repeating: " ", count: 10_000), first: false, last: true))
        } == (1009, "message too big"))
        await server.stop()
    }
}
