import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Logging
import ServiceLifecycle

/// A real Foyer server on a free port with its own SQLite file (or a given store, e.g. a
/// PostgreSQL database shared by several servers of a cluster), for integration tests.
final class TestServer: Sendable {
    static let password = "correct horse battery"

    let directory: String
    let port: Int
    let store: any Store
    let clock: ManualClock
    let inspector: LiveInspector
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var socketURL: String { "ws://127.0.0.1:\(port)" }

    private init(directory: String, port: Int, store: any Store, clock: ManualClock, inspector: LiveInspector, task: Task<Void, any Error>, group: ServiceGroup) {
        self.group = group
        self.directory = directory
        self.port = port
        self.store = store
        self.clock = clock
        self.inspector = inspector
        self.task = task
    }

    /// Starts a server; `directory` reuses an earlier server's data (a restart).
    static func start(
        directory: String? = nil,
        clock: ManualClock = ManualClock(),
        store given: (any Store)? = nil,
        configure: (inout FoyerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let directory = directory ?? NSTemporaryDirectory() + "foyer-test-" + UUID().uuidString
        var configuration = FoyerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.bcryptCost = 4
        configuration.disconnectGraceSeconds = 2
        configure(&configuration)
        var logger = Logger(label: "foyer-test")
        logger.logLevel = .warning
        let store: any Store = if let given { given } else { try await SQLiteStore.open(directory: directory, logger: logger) }
        let (port, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let inspector = LiveInspector()
        let app = try await FoyerApplication.build(configuration: configuration, store: store, clock: clock, inspector: inspector, logger: logger) { bound in
            portContinuation.yield(bound)
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var ports = port.makeAsyncIterator()
        guard let bound = await ports.next() else { throw TestTimeout() }
        return TestServer(directory: directory, port: bound, store: store, clock: clock, inspector: inspector, task: task, group: group)
    }

    /// Stops the server (like a crash: no goodbye to sockets) and closes its store.
    func stop() async {
        task.cancel()
        _ = try? await task.value
        try? await store.close()
    }

    /// Stops the server as SIGTERM does: sockets are told, pending writes flushed.
    func stopGracefully() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        try? await store.close()
    }

    /// A copy of an account's registry on this server.
    func registry(of accountID: String) -> AccountRegistry? { inspector.registry(of: accountID) }
    func entry(of accountID: String, tabID: String) -> Entry? { inspector.entry(of: accountID, tabID: tabID) }

    /// Creates an account and an owner; returns the account and a session cookie.
    func makeAccount(_ name: String, allowedOrigins: [String] = []) async throws -> (account: Account, cookie: String) {
        var account = try await store.createAccount(name: name, siteKey: SiteKey.make(), now: clock.nowMillis())
        if !allowedOrigins.isEmpty {
            account.allowedOrigins = allowedOrigins
            try await store.updateAccount(account)
        }
        let email = "owner@\(name).example"
        _ = try await store.createUser(
            accountID: account.id, email: email, passwordHash: Bcrypt.hash(Self.password, cost: 4), role: .owner, now: clock.nowMillis())
        let response = try await RawHTTP.request(
            port: port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
            body: #"{"email":"\#(email)","password":"\#(Self.password)"}"#)
        guard response.status == 200, let cookie = response.headers["set-cookie"]?.split(separator: ";").first else {
            throw TestTimeout()
        }
        return (account, String(cookie))
    }

    /// Adds a member to an account and signs them in; returns their session cookie.
    func member(_ email: String, role: Role, of account: Account) async throws -> (user: User, cookie: String) {
        let user = try await store.createUser(
            accountID: account.id, email: email, passwordHash: Bcrypt.hash(Self.password, cost: 4), role: role, now: clock.nowMillis())
        return (user, try await signIn(email))
    }

    func signIn(_ email: String) async throws -> String {
        let response = try await RawHTTP.request(
            port: port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
            body: #"{"email":"\#(email)","password":"\#(Self.password)"}"#)
        guard response.status == 200, let cookie = response.headers["set-cookie"]?.split(separator: ";").first else {
            throw TestTimeout()
        }
        return String(cookie)
    }

    /// A JSON API call as the holder of `cookie`.
    func api(_ method: String, _ path: String, cookie: String, body: String = "{}") async throws -> RawHTTP.Response {
        try await RawHTTP.request(
            port: port, method: method, path: path, headers: ["Content-Type": "application/json", "Cookie": cookie], body: body)
    }

    /// A tracker socket for a site key, optionally with an `Origin`.
    func tracker(siteKey: String, origin: String? = nil) -> TestSocket {
        var headers: HTTPFields = [:]
        if let origin { headers[.origin] = origin }
        return TestSocket(url: "\(socketURL)/track?site=\(siteKey)", headers: headers)
    }

    /// A dashboard feed signed in with `cookie`.
    /// A dashboard's feed; `watches: false` is the Settings page's (`/feed?watch=0`).
    func feed(cookie: String, watches: Bool = true) -> TestSocket {
        TestSocket(url: "\(socketURL)/feed" + (watches ? "" : "?watch=0"), headers: [.cookie: cookie])
    }
}

/// The tracker's hello, as foyer.js sends it.
func hello(tab: String, url: String = "https://shop.example/", title: String = "Home", vid: String = "browser-0001") -> [String: String] {
    ["t": "hello", "tab": tab, "vid": vid, "url": url, "title": title, "ref": "", "lang": "en-US", "tz": "Europe/Istanbul"]
}

/// The answers to a tracker's hello on a test server: the default idle time (300 s),
/// browsers remembered.
let trackerOK = #"{"t":"ok","idle":300000,"r":1}"#
let trackerWait = #"{"t":"wait","idle":300000,"r":1}"#
