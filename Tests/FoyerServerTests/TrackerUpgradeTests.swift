import Foundation
import FoyerCore
import FoyerStore
import NIOCore
import NIOHTTP1
import Testing

@testable import FoyerServer

/// The fast path for tracker upgrades: the narrow parser of a connection's first bytes,
/// and, over real sockets, that the fast path upgrades what it should and leaves every
/// other request to the general pipeline, answered as before.
@Suite("Tracker upgrade fast path", .serialized)
struct TrackerUpgradeTests {
    /// RFC 6455 section 1.3's example key and its accept value.
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="
    static let accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    static let ok = #"{"t":"ok","r":1}"#

    /// A tracker's upgrade request in the narrow shape, as lines without their CRLF.
    static let lines = [
        "GET /track?site=fk_test HTTP/1.1",
        "Host: foyer.example",
        "Connection: Upgrade",
        "Upgrade: websocket",
        "Origin: https://shop.example",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: \(key)",
    ]

    static func request(_ lines: [String] = lines) -> String { lines.joined(separator: "\r\n") + "\r\n\r\n" }

    /// `lines` with the line starting with `prefix` replaced by `replacement` (removed when nil).
    static func request(replacing prefix: String, with replacement: String?) -> String {
        request(lines.compactMap { $0.hasPrefix(prefix) ? replacement : $0 })
    }

    /// `lines` with more header lines at the end.
    static func request(adding extra: [String]) -> String { request(lines + extra) }

    func read(_ text: String) -> TrackerUpgradeRequest.Reading { read(Array(text.utf8)) }

    func read(_ bytes: [UInt8]) -> TrackerUpgradeRequest.Reading { TrackerUpgradeRequest.read(ByteBuffer(bytes: bytes)) }

    func isOther(_ reading: TrackerUpgradeRequest.Reading) -> Bool {
        if case .other = reading { true } else { false }
    }

    func isNeedMore(_ reading: TrackerUpgradeRequest.Reading) -> Bool {
        if case .needMore = reading { true } else { false }
    }

    func parsed(_ reading: TrackerUpgradeRequest.Reading) -> (request: TrackerUpgradeRequest, headBytes: Int)? {
        if case .request(let request, let headBytes) = reading { (request, headBytes) } else { nil }
    }

    // MARK: The parser

    @Test func aBrowsersRequestIsRead() throws {
        // Chrome's request, header for header.
        let text = Self.request([
            "GET /track?site=fk_8ZtQ2x HTTP/1.1",
            "Host: foyer.example",
            "Connection: Upgrade",
            "Pragma: no-cache",
            "Cache-Control: no-cache",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Upgrade: websocket",
            "Origin: https://shop.example",
            "Sec-WebSocket-Version: 13",
            "Accept-Encoding: gzip, deflate, br, zstd",
            "Accept-Language: en-US,en;q=0.9,tr;q=0.8",
            "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==",
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        ])
        let (request, headBytes) = try #require(parsed(read(text)))
        #expect(request.head.uri == "/track?site=fk_8ZtQ2x")
        #expect(request.head.method == .GET && request.head.version == .http1_1)
        #expect(request.key == "x3JJHMbDL1EzLkh9GBhXDw==")
        #expect(headBytes == text.utf8.count)
        // The gate reads these from the head: origin checks, the client's address.
        #expect(request.head.headers["origin"] == ["https://shop.example"])
        #expect(request.head.headers["user-agent"].first?.hasPrefix("Mozilla/5.0 (X11;") == true)
        #expect(request.head.headers.count == 12)
    }

    @Test func firefoxsConnectionListAndAnyCaseOfHeaderNamesAreRead() throws {
        let firefox = Self.request(replacing: "Connection:", with: "Connection: keep-alive, Upgrade")
        #expect(parsed(read(firefox))?.request.key == Self.key)
        let lower = Self.request([
            "GET /track?site=fk_test HTTP/1.1", "host: foyer.example", "connection: upgrade", "upgrade: websocket",
            "sec-websocket-version: 13", "sec-websocket-key: \(Self.key)",
        ])
        #expect(parsed(read(lower))?.request.key == Self.key)
        let upper = Self.request([
            "GET /track?site=fk_test HTTP/1.1", "HOST: foyer.example", "CONNECTION: UPGRADE", "UPGRADE: WEBSOCKET",
            "SEC-WEBSOCKET-VERSION: 13", "SEC-WEBSOCKET-KEY: \(Self.key)",
        ])
        #expect(parsed(read(upper))?.request.key == Self.key)
        // Spaces and tabs around a value are not part of it.
        let padded = Self.request(replacing: "Sec-WebSocket-Key:", with: "Sec-WebSocket-Key:\t \(Self.key) \t")
        #expect(parsed(read(padded))?.request.key == Self.key)
    }

    @Test func aTrackerWithoutAQueryIsStillARequest() throws {
        // The gate, not the parser, refuses it (missing site parameter).
        let text = Self.request(replacing: "GET ", with: "GET /track HTTP/1.1")
        let (request, headBytes) = try #require(parsed(read(text)))
        #expect(request.head.uri == "/track")
        #expect(headBytes == text.utf8.count)
    }

    @Test func bytesAfterTheHeadAreNotPartOfIt() throws {
        // A frame sent in the same write: the handler forwards what follows `headBytes`.
        let head = Self.request()
        let frame = RawSocket.textFrame(#"{"t":"h"}"#)
        let (_, headBytes) = try #require(parsed(read(Array(head.utf8) + frame)))
        #expect(headBytes == head.utf8.count)
        let (_, partial) = try #require(parsed(read(Array(head.utf8) + frame.prefix(3))))
        #expect(partial == head.utf8.count)
    }

    @Test func everyStrictPrefixNeedsMore() {
        let bytes = Array(Self.request().utf8)
        let notNeedingMore = (0..<bytes.count).filter { !isNeedMore(read(Array(bytes[..<$0]))) }
        #expect(notNeedingMore.isEmpty)
        #expect(parsed(read(bytes)) != nil)
    }

    /// Requests the fast path leaves to the general pipeline, by what is odd about them.
    static let outsideTheShape: [(String, String)] = [
        ("another path", request(replacing: "GET ", with: "GET /tracker?site=fk_test HTTP/1.1")),
        ("a path below /track", request(replacing: "GET ", with: "GET /track/x HTTP/1.1")),
        ("a fragment right after the path", request(replacing: "GET ", with: "GET /track#x HTTP/1.1")),
        ("another method", request(replacing: "GET ", with: "POST /track?site=fk_test HTTP/1.1")),
        ("a lower-case method", request(replacing: "GET ", with: "get /track?site=fk_test HTTP/1.1")),
        ("HTTP/1.0", request(replacing: "GET ", with: "GET /track?site=fk_test HTTP/1.0")),
        ("a space inside the target", request(replacing: "GET ", with: "GET /track?site=a b HTTP/1.1")),
        ("a space after the version", request(replacing: "GET ", with: "GET /track?site=fk_test HTTP/1.1 ")),
        ("a folded header line", request(replacing: "Origin:", with: "Origin: https://shop.example\r\n folded: text")),
        ("a bare line feed", request(replacing: "Host:", with: "Host: foyer.example\nX-After-LF: 1")),
        ("a non-ASCII byte in a value", request(adding: ["User-Agent: Caf\u{E9}"])),
        ("a control byte in a value", request(adding: ["User-Agent: a\u{1}b"])),
        ("a space in a header name", request(adding: ["Bad Name: 1"])),
        ("a header line without a colon", request(adding: ["NoColon"])),
        ("an empty header name", request(adding: [": 1"])),
        ("Content-Length", request(adding: ["Content-Length: 0"])),
        ("Transfer-Encoding", request(adding: ["Transfer-Encoding: chunked"])),
        ("no Sec-WebSocket-Key", request(replacing: "Sec-WebSocket-Key:", with: nil)),
        ("two Sec-WebSocket-Keys", request(adding: ["Sec-WebSocket-Key: \(key)"])),
        ("an empty Sec-WebSocket-Key", request(replacing: "Sec-WebSocket-Key:", with: "Sec-WebSocket-Key: ")),
        ("a Sec-WebSocket-Key that is not 16 bytes", request(replacing: "Sec-WebSocket-Key:", with: "Sec-WebSocket-Key: c2hvcnQ=")),
        ("a Sec-WebSocket-Key with a comma", request(replacing: "Sec-WebSocket-Key:", with: "Sec-WebSocket-Key: dGhlIHNhbXBsZS,ub25jZQ==")),
        ("version 8", request(replacing: "Sec-WebSocket-Version:", with: "Sec-WebSocket-Version: 8")),
        ("two versions", request(adding: ["Sec-WebSocket-Version: 13"])),
        ("no version", request(replacing: "Sec-WebSocket-Version:", with: nil)),
        ("no upgrade token in Connection", request(replacing: "Connection:", with: "Connection: keep-alive")),
        ("no Connection", request(replacing: "Connection:", with: nil)),
        ("Upgrade: h2c", request(replacing: "Upgrade:", with: "Upgrade: h2c")),
        ("two Upgrade headers", request(adding: ["Upgrade: websocket"])),
        ("no Upgrade", request(replacing: "Upgrade:", with: nil)),
    ]

    @Test(arguments: outsideTheShape)
    func requestsOutsideTheShapeAreOther(_ name: String, _ text: String) {
        #expect(isOther(read(text)), "\(name)")
    }

    @Test func otherIsDecidedAsSoonAsTheFirstBytesDiffer() {
        // Pages and API calls go to the general pipeline on their first bytes.
        #expect(isOther(read("P")))
        #expect(isOther(read("GET /h")))
        #expect(isOther(read("GET /trackx")))
        #expect(isNeedMore(read("GET /track")))
        #expect(isNeedMore(read("GET /track?")))
    }

    @Test func headsOverTheLimitAreOther() {
        let limit = TrackerUpgradeRequest.maxHeadBytes
        #expect(limit == 8192)
        // Without its end: undecidable within the limit, so the general pipeline's limits apply.
        let open = "GET /track?site=fk_test HTTP/1.1\r\nX-Pad: "
        #expect(isNeedMore(read(open + String(repeating: "a", count: limit - 1 - open.utf8.count))))
        #expect(isOther(read(open + String(repeating: "a", count: limit - open.utf8.count))))
        #expect(isOther(read(open + String(repeating: "a", count: limit + 100))))
        // Complete heads: up to the limit, blank line included, and one byte more.
        func padded(to total: Int) -> String {
            let bare = Self.request(adding: ["X-Pad: "])
            return Self.request(adding: ["X-Pad: " + String(repeating: "a", count: total - bare.utf8.count)])
        }
        #expect(padded(to: limit).utf8.count == limit)
        #expect(parsed(read(padded(to: limit)))?.headBytes == limit)
        #expect(isOther(read(padded(to: limit + 1))))
    }

    @Test func atMost64Headers() {
        let base = Self.lines.count - 1
        let most = Self.request(adding: (0..<(64 - base)).map { "X-Extra-\($0): 1" })
        #expect(parsed(read(most))?.request.head.headers.count == 64)
        let tooMany = Self.request(adding: (0..<(65 - base)).map { "X-Extra-\($0): 1" })
        #expect(isOther(read(tooMany)))
    }

    @Test func acceptValueIsRFC6455s() {
        #expect(FirstRequestHandler.accept(Self.key) == Self.accept)
        // Wikipedia's example, a second pair computed independently.
        #expect(FirstRequestHandler.accept("x3JJHMbDL1EzLkh9GBhXDw==") == "HSmrc0sMlYUkAGmm5OPpG2HaGWk=")
    }

    // MARK: Over real sockets

    /// An upgrade request for a tracker of `siteKey`, in the narrow shape unless `extra`
    /// lines say otherwise.
    static func upgrade(siteKey: String?, key: String = key, extra: [String] = []) -> String {
        let target = siteKey.map { "/track?site=\($0)" } ?? "/track"
        return request(
            ["GET \(target) HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(key)",
             "Sec-WebSocket-Version: 13"] + extra)
    }

    static func helloFrame(tab: String) -> [UInt8] {
        let data = try! JSONSerialization.data(withJSONObject: hello(tab: tab))
        return RawSocket.textFrame(String(decoding: data, as: UTF8.self))
    }

    /// Which path answered a 101. NIO's upgrader (the general pipeline) says
    /// `Connection: upgrade`, the fast path `Connection: Upgrade`: checking it keeps these
    /// tests from passing on the general path when the fast path stops taking requests.
    static func answeredByFastPath(_ head: RawSocket.Head) -> Bool { head.headers["connection"] == "Upgrade" }

    /// A tracker over a raw socket that said hello and got its ok.
    func tab(_ server: TestServer, siteKey: String, id: String, extra: [String] = []) async throws -> RawSocket {
        let socket = try RawSocket(port: server.port)
        try socket.send(Self.upgrade(siteKey: siteKey, extra: extra))
        #expect(try await socket.head().status == 101)
        try socket.send(Self.helloFrame(tab: id))
        #expect(try await socket.nextText() == Self.ok)
        return socket
    }

    /// A server with an account whose first tracker has connected, so the account is loaded
    /// and its next trackers can take the fast path. (`TestServer.tracker` cannot be that
    /// tracker for an account with allowed origins: its client adds an `Origin` of its own.)
    func serverWithLoadedAccount(
        allowedOrigins: [String] = [], configure: (inout FoyerConfiguration) -> Void = { _ in }
    ) async throws -> (TestServer, Account, RawSocket) {
        let server = try await TestServer.start(configure: configure)
        let (account, _) = try await server.makeAccount("shop", allowedOrigins: allowedOrigins)
        let first = try await tab(server, siteKey: account.siteKey, id: "tab-first-00001", extra: allowedOrigins.map { "Origin: \($0)" })
        return (server, account, first)
    }

    @Test func theFirstTrackerOfAnAccountTakesTheGeneralPathAndLaterOnesTheFastPath() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        // Not loaded yet: the store must be asked, which the general path does.
        let first = try RawSocket(port: server.port)
        try first.send(Self.upgrade(siteKey: account.siteKey))
        let firstHead = try await first.head()
        #expect(firstHead.status == 101 && !Self.answeredByFastPath(firstHead))
        #expect(firstHead.headers["sec-websocket-accept"] == Self.accept)
        try first.send(Self.helloFrame(tab: "tab-general-0001"))
        #expect(try await first.nextText() == Self.ok)

        let second = try RawSocket(port: server.port)
        try second.send(Self.upgrade(siteKey: account.siteKey, key: "x3JJHMbDL1EzLkh9GBhXDw=="))
        let head = try await second.head()
        #expect(head.text == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=")
        #expect(Self.answeredByFastPath(head))
        try second.send(Self.helloFrame(tab: "tab-fast-000001"))
        #expect(try await second.nextText() == Self.ok)
        // The fast path's socket is a tracker like any other: its tab is the account's.
        #expect(server.entry(of: account.id, tabID: "tab-fast-000001") != nil)
        // Only the tab's key is kept: its id would let anyone resume the entry and its chat.
        let tabs = server.registry(of: account.id)?.shownEntries.map(\.tab) ?? []
        #expect(!tabs.isEmpty && tabs.allSatisfy { $0.hasPrefix("t.") && !$0.contains("tab-fast-000001") })
        await server.stop()
    }

    @Test func aRequestArrivingOneByteAtATimeIsUpgraded() async throws {
        let (server, account, _) = try await serverWithLoadedAccount()
        let tab = try RawSocket(port: server.port)
        try await tab.sendOneByteAtATime(Self.upgrade(siteKey: account.siteKey))
        let head = try await tab.head()
        #expect(head.status == 101 && Self.answeredByFastPath(head))
        #expect(head.headers["sec-websocket-accept"] == Self.accept)
        try tab.send(Self.helloFrame(tab: "tab-slow-000001"))
        #expect(try await tab.nextText() == Self.ok)

        // The head in pieces, its last byte and the hello in one: the hello is found after
        // the head within everything buffered so far.
        let pieces = try RawSocket(port: server.port)
        let request = Array(Self.upgrade(siteKey: account.siteKey).utf8)
        try await pieces.sendOneByteAtATime(Array(request.dropLast()))
        try pieces.send([request.last!] + Self.helloFrame(tab: "tab-pieces-0001"))
        let piecesHead = try await pieces.head()
        #expect(piecesHead.status == 101 && Self.answeredByFastPath(piecesHead))
        #expect(try await pieces.nextText() == Self.ok)
        await server.stop()
    }

    @Test func framesSentWithTheRequestAreRead() async throws {
        let (server, account, _) = try await serverWithLoadedAccount()
        // The hello in the same write as the request, before any 101.
        let eager = try RawSocket(port: server.port)
        try eager.send(Array(Self.upgrade(siteKey: account.siteKey).utf8) + Self.helloFrame(tab: "tab-eager-00001"))
        let head = try await eager.head()
        #expect(head.status == 101 && Self.answeredByFastPath(head))
        #expect(try await eager.nextText() == Self.ok)

        // Part of the hello with the request, the rest later: the part is kept.
        let split = try RawSocket(port: server.port)
        let frame = Self.helloFrame(tab: "tab-split-00001")
        try split.send(Array(Self.upgrade(siteKey: account.siteKey).utf8) + frame.prefix(5))
        let splitHead = try await split.head()
        #expect(splitHead.status == 101 && Self.answeredByFastPath(splitHead))
        try split.send(Array(frame.dropFirst(5)))
        #expect(try await split.nextText() == Self.ok)
        await server.stop()
    }

    @Test func requestsOutsideTheFastShapeAreUpgradedByTheGeneralPath() async throws {
        let (server, account, _) = try await serverWithLoadedAccount()
        let forms: [(name: String, extra: [String])] = [
            ("a non-ASCII byte in a header", ["User-Agent: Caf\u{E9}"]),
            ("an empty body's Content-Length", ["Content-Length: 0"]),
        ]
        for (index, form) in forms.enumerated() {
            let tab = try RawSocket(port: server.port)
            try tab.send(Self.upgrade(siteKey: account.siteKey, extra: form.extra))
            let head = try await tab.head()
            #expect(head.status == 101 && !Self.answeredByFastPath(head), "\(form.name)")
            #expect(head.headers["sec-websocket-accept"] == Self.accept, "\(form.name)")
            try tab.send(Self.helloFrame(tab: "tab-general-000\(index)"))
            #expect(try await tab.nextText() == Self.ok, "\(form.name)")
        }
        // Odd but valid, and upgraded by whichever path takes it: the upgrade token in a
        // second Connection header.
        let twoConnections = try RawSocket(port: server.port)
        try twoConnections.send(
            Self.upgrade(siteKey: account.siteKey).replacingOccurrences(
                of: "Connection: Upgrade\r\n", with: "Connection: keep-alive\r\nConnection: Upgrade\r\n"))
        #expect(try await twoConnections.head().status == 101)
        try twoConnections.send(Self.helloFrame(tab: "tab-two-conn-01"))
        #expect(try await twoConnections.nextText() == Self.ok)
        await server.stop()
    }

    /// Sends `request` and returns the refusal's status and body, checking it is JSON and
    /// that the server then closes the connection.
    func refusal(_ server: TestServer, _ request: String) async throws -> (status: Int, body: String) {
        let socket = try RawSocket(port: server.port)
        try socket.send(request)
        let head = try await socket.head()
        #expect(head.headers["content-type"] == "application/json")
        let length = try #require(head.headers["content-length"].flatMap(Int.init))
        let body = try await socket.body(count: length)
        #expect(try await socket.closedByServer())
        return (head.status, body)
    }

    /// All but the unknown key are the fast path's answers; they must read as the general
    /// path's did (on 8486bde).
    @Test func refusalsKeepTheirStatusAndJSONBody() async throws {
        let (server, account, first) = try await serverWithLoadedAccount(allowedOrigins: ["https://shop.example"]) {
            $0.maxSocketsPerAddress = 2
        }
        let key = account.siteKey
        #expect(try await refusal(server, Self.upgrade(siteKey: nil)) == (400, #"{"error":"missing site parameter"}"#))
        #expect(try await refusal(server, Self.upgrade(siteKey: "")) == (400, #"{"error":"missing site parameter"}"#))
        let foreign = try await refusal(server, Self.upgrade(siteKey: key, extra: ["Origin: https://evil.example"]))
        #expect(foreign == (403, #"{"error":"origin not allowed for this site"}"#))
        #expect(try await refusal(server, Self.upgrade(siteKey: key)) == (403, #"{"error":"origin not allowed for this site"}"#))
        // Unknown keys need the store: the general path answers, as before.
        #expect(try await refusal(server, Self.upgrade(siteKey: "fk_nope", extra: ["Origin: https://shop.example"]))
            == (404, #"{"error":"unknown site key"}"#))

        // The first tab holds one of the address's two places, refusals took none, so a
        // second takes the other and a third is one too many.
        let second = try RawSocket(port: server.port)
        try second.send(Self.upgrade(siteKey: key, extra: ["Origin: https://shop.example"]))
        let head = try await second.head()
        #expect(head.status == 101 && Self.answeredByFastPath(head))
        let third = try await refusal(server, Self.upgrade(siteKey: key, extra: ["Origin: https://shop.example"]))
        #expect(third == (429, #"{"error":"too many connections from this address"}"#))
        // Refusals harm no one: the first tab is still served.
        try first.send(RawSocket.textFrame(#"{"t":"history"}"#))
        let reply = try #require(try await first.nextText())
        #expect((try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])?["t"] as? String == "history")
        await server.stop()
    }

    @Test func requestsNIOCannotParseAreAnswered400AndClosed() async throws {
        // A folded header line (obsolete in HTTP/1.1) once got no answer at all: the
        // connection hung open. Now it is refused, whether it asks for a tracker or a page.
        let (server, account, _) = try await serverWithLoadedAccount()
        let folded = [
            "GET /track?site=\(account.siteKey) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "X-Folded: a\r\n  b\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: a\r\n b\r\n\r\n",
        ]
        for request in folded {
            let socket = try RawSocket(port: server.port)
            try socket.send(request)
            #expect(try await socket.head().status == 400)
            #expect(try await socket.closedByServer())
        }
        await server.stop()
    }

    /// Sends `request` (in one write or one byte at a time) and returns the answer's status
    /// and body, checking the router's middleware answered it.
    func answer(_ socket: RawSocket, _ request: String, slowly: Bool) async throws -> (status: Int, body: String) {
        if slowly { try await socket.sendOneByteAtATime(request) } else { try socket.send(request) }
        let head = try await socket.head()
        #expect(head.headers["x-content-type-options"] == "nosniff", "security headers: the router answered")
        let length = try #require(head.headers["content-length"].flatMap(Int.init))
        return (head.status, try await socket.body(count: length))
    }

    @Test(arguments: [false, true])
    func plainRequestsGetTheRoutersAnswers(oneByteAtATime slowly: Bool) async throws {
        // Answers as on 8486bde, before the fast path.
        let (server, account, _) = try await serverWithLoadedAccount()
        let health = try RawSocket(port: server.port)
        let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        #expect(try await answer(health, request, slowly: slowly) == (200, #"{"status":"ok"}"#))
        // The connection stays an HTTP one: a second request on it is answered too.
        #expect(try await answer(health, request, slowly: false) == (200, #"{"status":"ok"}"#))

        // The tracker's path without upgrade headers (the account is loaded): the route's answer.
        let plain = try RawSocket(port: server.port)
        let track = "GET /track?site=\(account.siteKey) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        #expect(try await answer(plain, track, slowly: slowly) == (400, #"{"error":"WebSocket upgrade expected"}"#))
        await server.stop()
    }
}
