import Foundation
import FoyerCore
import FoyerStore
import HummingbirdBcrypt
import Logging
import Testing

@testable import FoyerServer

/// Issue 19: connections, sign-in, sessions and the small holes, each over real sockets.
@Suite("Hold under attack", .serialized)
struct HoldUnderAttackTests {
    /// A plain HTTP GET on a raw socket, optionally from another loopback address.
    func get(_ server: TestServer, _ path: String, from source: String? = nil, headers: [String: String] = [:]) async throws -> (
        status: Int, body: String
    ) {
        let socket = try RawSocket(port: server.port, from: source)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try socket.send(request + "\r\n")
        let head = try await socket.head()
        let length = Int(head.headers["content-length"] ?? "0") ?? 0
        return (head.status, try await socket.body(count: length))
    }

    func signIn(_ server: TestServer, email: String, password: String, forwardedFor: String? = nil) async throws -> RawHTTP.Response {
        var headers = ["Content-Type": "application/json"]
        if let forwardedFor { headers["X-Forwarded-For"] = forwardedFor }
        let body = try String(decoding: JSONSerialization.data(withJSONObject: ["email": email, "password": password]), as: UTF8.self)
        return try await RawHTTP.request(port: server.port, method: "POST", path: "/api/session", headers: headers, body: body)
    }

    // MARK: Connections

    @Test func connectionsWithoutACompleteRequestAreClosedAtTheDeadline() async throws {
        let server = try await TestServer.start { $0.requestTimeoutSeconds = 0.5 }
        defer { Task { await server.stop() } }
        let silent = try RawSocket(port: server.port, receiveTimeoutSeconds: 5)
        let slow = try RawSocket(port: server.port, receiveTimeoutSeconds: 5)
        let started = ContinuousClock.now
        // A byte every 100 ms keeps any idle timer from firing; only a deadline ends it.
        var sendFailed = false
        for byte in Array("GET /track?site=abcdefghijklmnopqrstuvwxyz0123456789".utf8) {
            do { try slow.send([byte]) } catch {
                sendFailed = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await silent.closedByServer(), "a silent connection is closed")
        let slowClosed = try await sendFailed ? true : slow.closedByServer()
        #expect(slowClosed, "a request sent a byte at a time is closed")
        #expect(ContinuousClock.now - started < .seconds(4))
        // A request completed in time is served as before.
        #expect(try await get(server, "/healthz").status == 200)
    }

    @Test func oneAddressHoldsAtMostItsShareOfConnectionsInTheirRequest() async throws {
        let server = try await TestServer.start { $0.maxPendingPerAddress = 4 }
        defer { Task { await server.stop() } }
        // Six connections that send nothing: four are admitted, two closed at once. Which
        // ones is up to the event loops that set them up, so only the counts are checked.
        let sockets = try (0..<6).map { _ in try RawSocket(port: server.port, receiveTimeoutSeconds: 2) }
        let closed = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for (index, socket) in sockets.enumerated() {
                group.addTask {
                    do { return (index, try await socket.closedByServer()) } catch let error as POSIXError where error.code == .ETIMEDOUT {
                        return (index, false)  // still open after 2 s
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { if $1.1 { $0.insert($1.0) } }
        }
        #expect(closed.count == 2, "two of 127.0.0.1's six connections still in their request are closed")
        let held = sockets.indices.filter { !closed.contains($0) }.map { sockets[$0] }
        // Another address is served, and so is 127.0.0.1 again once one of its four ends.
        #expect(try await get(server, "/healthz", from: "127.0.0.2").status == 200)
        try held[0].send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await held[0].head().status == 200)
        #expect(try await get(server, "/healthz").status == 200)
    }

    @Test func aTrustedProxyIsNotCappedButKeepsTheDeadline() async throws {
        let server = try await TestServer.start {
            $0.maxPendingPerAddress = 2
            $0.requestTimeoutSeconds = 1
            $0.trustedProxies = ["127.0.0.1/32"]
        }
        defer { Task { await server.stop() } }
        // The proxy carries many clients: more than the cap of its connections may be
        // in their request at once …
        let held = try (0..<4).map { _ in try RawSocket(port: server.port, receiveTimeoutSeconds: 5) }
        #expect(try await get(server, "/healthz").status == 200)
        // … but each still has to finish its request in time.
        for socket in held { #expect(try await socket.closedByServer()) }
    }

    // MARK: Sign-in

    @Test func failedSignInsWithHugeEmailsDoNotGrowTheFailureTable() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let huge = String(repeating: "x", count: 1_000_000) + "@example.com"
        let response = try await signIn(server, email: huge, password: "wrong")
        #expect(response.status == 400)
        #expect(response.body.contains(#""error""#))

        // Direct: thousands of distinct failures, then time passes: the table shrinks back.
        let failures = SignInFailures()
        for index in 0..<5000 { failures.record(address: "10.0.\(index / 256).\(index % 256)", email: "user\(index)@example.com", nowNanos: 0) }
        #expect(failures.count <= 2 * 5000)
        let later: UInt64 = 120 * 1_000_000_000  // every bucket refilled
        failures.record(address: "10.9.0.1", email: "late@example.com", nowNanos: later)
        #expect(failures.count == 2, "refilled buckets are dropped: \(failures.count)")
    }

    @Test func signInLimitsTheClientBehindATrustedProxyNotTheProxyNorTheEmail() async throws {
        let server = try await TestServer.start { $0.trustedProxies = ["127.0.0.1/32"] }
        defer { Task { await server.stop() } }
        _ = try await server.makeAccount("shop")
        let email = "owner@shop.example"
        // One client behind the proxy fails five times: it is refused …
        for _ in 0..<5 { #expect(try await signIn(server, email: "nobody@shop.example", password: "wrong", forwardedFor: "203.0.113.5").status == 401) }
        #expect(try await signIn(server, email: "nobody@shop.example", password: "wrong", forwardedFor: "203.0.113.5").status == 429)
        // … everyone else behind the same proxy is not.
        #expect(try await signIn(server, email: email, password: TestServer.password, forwardedFor: "203.0.113.6").status == 200)
        // Five failures against one email from rotating addresses do not lock its owner out.
        for index in 10..<16 {
            #expect(try await signIn(server, email: email, password: "wrong", forwardedFor: "198.51.100.\(index)").status == 401)
        }
        #expect(try await signIn(server, email: email, password: TestServer.password, forwardedFor: "198.51.100.99").status == 200)
    }

    @Test func unknownEmailsCostAsMuchAsTheSlowestStoredHash() async throws {
        var dummy = DummyHash()
        dummy.raise(to: 11)
        #expect(DummyHash.cost(of: dummy.hash) == 11)
        #expect(!Bcrypt.verify("no such user", hash: dummy.hash), "no password matches the dummy")
        dummy.raise(to: 6)
        #expect(dummy.cost == 11, "never lowered")

        // A server at cost 4 with a user hashed at cost 9 (an older, slower setting).
        let directory = NSTemporaryDirectory() + "foyer-test-" + UUID().uuidString
        let store = try await SQLiteStore.open(directory: directory, logger: .init(label: "test"))
        try await store.migrate()
        let account = try await store.createAccount(name: "slow", siteKey: SiteKey.make(), now: 0)
        _ = try await store.createUser(
            accountID: account.id, email: "old@slow.example", passwordHash: Bcrypt.hash("password", cost: 9), role: .owner, now: 0)
        let authenticator = SessionAuthenticator(store: store, clock: ManualClock(), idleSeconds: 60, bcryptCost: 4)
        try await authenticator.learnStoredHashCosts()
        #expect(authenticator.dummyHashCost == 9)
        try await store.close()
    }

    @Test func emailsWithInvisibleOrDirectionCharactersAreRefused() async throws {
        for bad in ["eve\u{202E}moc.elpmaxe@x.example", "a\u{200B}b@example.com", "\u{FEFF}a@example.com", "a@example.com\u{2066}", "a b@example.com"] {
            #expect(EmailAddress.normalized(bad) == nil, "\(bad.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(EmailAddress.normalized("  Ada@Example.COM ") == "ada@example.com")
        #expect(EmailAddress.normalized("ada@münchen.example") == "ada@münchen.example")

        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (_, cookie) = try await server.makeAccount("shop")
        let (_, _) = try await server.makeAccount("other")
        let added = try await server.api(
            "POST", "/api/team", cookie: cookie, body: #"{"email":"eve\u202emoc@shop.example","role":"agent","password":"long enough"}"#)
        #expect(added.status == 400)
        #expect(try await signIn(server, email: "owner\u{200B}@shop.example", password: TestServer.password).status == 400)
        // An address used by another account: refused, without saying it has an account here.
        let taken = try await server.api(
            "POST", "/api/team", cookie: cookie, body: #"{"email":"owner@other.example","role":"agent","password":"long enough"}"#)
        #expect(taken.status == 409)
        #expect(!taken.body.contains("account"), "\(taken.body)")
    }

    // MARK: Sessions, metrics, origins, frames, errors

    @Test func aFeedWhoseSessionIsGoneClosesWith4401() async throws {
        let server = try await TestServer.start { $0.feedSessionCheckSeconds = 0.2 }
        defer { Task { await server.stop() } }
        let (_, cookie) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: cookie)
        #expect(try await feed.nextJSON()?["type"] as? String == "snapshot")
        let token = String(cookie.split(separator: "=", maxSplits: 1)[1])
        try await server.store.deleteSession(tokenHash: SessionAuthenticator.hash(token))
        #expect(try await feed.closed(timeout: .seconds(5)).code == 4401)

        // An open feed counts as use: a session watched for longer than the idle time lives.
        let (_, watcher) = try await server.member("agent@shop.example", role: .agent, of: try #require(await server.store.accounts().first))
        let watching = server.feed(cookie: watcher)
        #expect(try await watching.nextJSON()?["type"] as? String == "snapshot")
        let watcherHash = SessionAuthenticator.hash(String(watcher.split(separator: "=", maxSplits: 1)[1]))
        for _ in 0..<3 {
            server.clock.advance(millis: 6 * 3600 * 1000)
            // The feed's next check marks the session used at the new time.
            let now = server.clock.nowMillis()
            let deadline = ContinuousClock.now + .seconds(5)
            while try await server.store.session(tokenHash: watcherHash)?.lastSeenAt != now {
                #expect(ContinuousClock.now < deadline, "the open feed did not keep its session in use")
                if ContinuousClock.now >= deadline { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(try await server.api("GET", "/api/me", cookie: watcher).status == 200)
    }

    @Test func metricsAreForTheOperatorOnly() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        #expect(try await get(server, "/metrics").status == 200)
        #expect(try await get(server, "/metrics", headers: ["X-Forwarded-For": "203.0.113.9"]).status == 404, "relayed by a local proxy")
        let tokenServer = try await TestServer.start { $0.metricsToken = "s3cret-token" }
        defer { Task { await tokenServer.stop() } }
        #expect(try await get(tokenServer, "/metrics").status == 404)
        #expect(try await get(tokenServer, "/metrics", headers: ["Authorization": "Bearer wrong"]).status == 404)
        let allowed = try await get(tokenServer, "/metrics", headers: ["Authorization": "Bearer s3cret-token"])
        #expect(allowed.status == 200 && allowed.body.contains("foyer_tracker_sockets"))
    }

    @Test func feedsRefuseOriginsThatAreNotThisServer() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (_, cookie) = try await server.makeAccount("shop")
        for origin in ["null", "file://", "chrome-extension://abcdefghijklmnop", "https://evil.example"] {
            let response = try await RawHTTP.upgrade(port: server.port, path: "/feed", headers: ["Cookie": cookie, "Origin": origin])
            #expect(response.status == 403, "\(origin)")
        }
        // The server's own page is let in (stallingWebSocket throws unless it gets 101).
        _ = try await RawSocket.stallingWebSocket(
            port: server.port, path: "/feed", headers: ["Cookie": cookie, "Origin": "http://127.0.0.1:\(server.port)"])
    }

    @Test func unmaskedClientFramesCloseTheSocket() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (account, cookie) = try await server.makeAccount("shop")
        let hello = #"{"t":"hello","tab":"tab-unmasked-1","vid":"browser-0001","url":"https://shop.example/","title":"Home"}"#
        let unmasked = [0x81, UInt8(hello.utf8.count)] + Array(hello.utf8)
        let tracker = try await RawSocket.stallingWebSocket(port: server.port, path: "/track?site=\(account.siteKey)", headers: [:])
        try tracker.send(unmasked)
        #expect(try await tracker.readUntilClose().code == 1002)
        let feed = try await RawSocket.stallingWebSocket(port: server.port, path: "/feed", headers: ["Cookie": cookie])
        let ping = Array(#"{"type":"ping"}"#.utf8)
        try feed.send([0x81, UInt8(ping.count)] + ping)
        #expect(try await feed.readUntilClose().code == 1002)
    }

    @Test func aFailingStoreAnswers500WithAJSONBody() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.makeAccount("shop")
        try await server.store.close()  // as good as a full disk: every query fails
        let response = try await signIn(server, email: "owner@shop.example", password: TestServer.password)
        #expect(response.status == 500)
        let body = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        #expect(body?["error"] is String, "\(response.body)")
    }
}
