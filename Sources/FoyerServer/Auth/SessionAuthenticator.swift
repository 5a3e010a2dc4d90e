import Crypto
import Foundation
import FoyerCore
import FoyerStore
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// Signs team members in and recognises their session cookie.
///
/// The cookie holds a random token; the store keeps only its SHA-256, so a copy of the
/// database cannot be replayed as a cookie. Sessions expire after an idle period.
final class SessionAuthenticator: Sendable {
    /// Name of the session cookie.
    static let cookieName = "foyer_session"

    let store: any Store
    let clock: any WallClock
    let idleMillis: Int64
    let bcryptCost: UInt8
    /// Verified when an email is unknown, at the highest cost of any stored hash, so the
    /// time a refusal takes does not tell whether the email exists: neither when the
    /// server's `bcryptCost` is lower than that of older hashes, nor the other way.
    private let dummyHashes = Mutex<DummyHash>(DummyHash())
    /// Failed sign-ins allowed per client address, and per address and email together:
    /// 5 at once, then one per 12 s (``SignInFailures``).
    private let failures = SignInFailures()

    init(store: any Store, clock: any WallClock, idleSeconds: Int64, bcryptCost: UInt8) {
        self.store = store
        self.clock = clock
        idleMillis = idleSeconds * 1000
        self.bcryptCost = bcryptCost
        dummyHashes.withLock { $0.raise(to: bcryptCost) }
    }

    /// The cost unknown emails are checked at (for tests).
    var dummyHashCost: UInt8 { dummyHashes.withLock { $0.cost } }

    /// Learns the cost of every stored password hash (at start: users may have been
    /// created with another `--bcrypt-cost`).
    func learnStoredHashCosts() async throws {
        for account in try await store.accounts() {
            for user in try await store.users(accountID: account.id) {
                if let cost = DummyHash.cost(of: user.passwordHash) { dummyHashes.withLock { $0.raise(to: cost) } }
            }
        }
    }

    /// A signed-in user and their session token.
    struct SignedIn: Sendable {
        let user: User
        let token: String
    }

    enum SignInResult: Sendable {
        case signedIn(SignedIn)
        case wrongCredentials
        case tooManyAttempts
        /// Not an email address Foyer accepts (``EmailAddress``): no account can match.
        case invalidEmail
    }

    /// Checks an email and password. Never tells which of the two was wrong.
    /// `clientAddress` is the client's, behind trusted proxies (not the proxy's): one
    /// client's failures must not lock out everyone behind the same proxy.
    func signIn(email: String, password: String, clientAddress: String) async throws -> SignInResult {
        guard let email = EmailAddress.normalized(email) else { return .invalidEmail }
        // bcrypt reads at most 72 bytes; longer passwords are refused at creation.
        guard password.utf8.count <= 1024 else { return .wrongCredentials }
        guard failures.allows(address: clientAddress, email: email) else { return .tooManyAttempts }
        let user = try await store.user(email: email)
        if let user, let cost = DummyHash.cost(of: user.passwordHash) { dummyHashes.withLock { $0.raise(to: cost) } }
        // Verify against a dummy hash when the email is unknown, so timing tells nothing.
        let hash = user?.passwordHash ?? dummyHashes.withLock { $0.hash }
        let valid = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard valid, let user else {
            failures.record(address: clientAddress, email: email)
            return .wrongCredentials
        }
        let token = Self.makeToken()
        let now = clock.nowMillis()
        try await store.createSession(Session(tokenHash: Self.hash(token), userID: user.id, createdAt: now, lastSeenAt: now))
        return .signedIn(SignedIn(user: user, token: token))
    }

    /// The user a session token belongs to, if the session is still valid.
    func user(token: String) async throws -> User? {
        try await user(sessionHash: Self.hash(token))
    }

    /// The user of a session, by the hash of its token, if it is still valid; using it
    /// counts as use (an open dashboard feed keeps its session alive).
    func user(sessionHash tokenHash: String) async throws -> User? {
        guard let session = try await store.session(tokenHash: tokenHash) else { return nil }
        let now = clock.nowMillis()
        guard now - session.lastSeenAt < idleMillis else {
            try await store.deleteSession(tokenHash: tokenHash)
            return nil
        }
        if now - session.lastSeenAt > 60_000 {
            try await store.touchSession(tokenHash: tokenHash, at: now)
        }
        return try await store.user(id: session.userID)
    }

    /// The user of the session cookie in a `Cookie` header.
    func user(cookieHeader: String?) async throws -> User? {
        guard let token = Self.token(cookieHeader: cookieHeader) else { return nil }
        return try await user(token: token)
    }

    func signOut(token: String) async throws {
        try await store.deleteSession(tokenHash: Self.hash(token))
    }

    /// Hashes a password for storage.
    func hashPassword(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Extracts the session token from a `Cookie` header.
    static func token(cookieHeader: String?) -> String? {
        guard let cookieHeader else { return nil }
        for pair in cookieHeader.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    static func makeToken() -> String { Identifier.make(length: 43) }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
