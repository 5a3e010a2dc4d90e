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
    /// Checked when an email is unknown, at the same cost as real hashes, so the time a
    /// refusal takes does not tell whether the email exists.
    private let dummyHash: String
    /// Failed sign-ins allowed per client address and per email: 5 at once, then one per 12 s.
    private let failures = Mutex<[String: RateBucket]>([:])

    init(store: any Store, clock: any WallClock, idleSeconds: Int64, bcryptCost: UInt8) {
        self.store = store
        self.clock = clock
        idleMillis = idleSeconds * 1000
        self.bcryptCost = bcryptCost
        dummyHash = Bcrypt.hash("no such user", cost: bcryptCost)
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
    }

    /// Checks an email and password. Never tells which of the two was wrong.
    func signIn(email: String, password: String, clientAddress: String) async throws -> SignInResult {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let keys = ["address:" + clientAddress, "email:" + email]
        guard allowAttempt(keys) else { return .tooManyAttempts }
        let user = try await store.user(email: email)
        // Verify against a dummy hash when the email is unknown, so timing tells nothing.
        let hash = user?.passwordHash ?? dummyHash
        let valid = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard valid, let user else {
            recordFailure(keys)
            return .wrongCredentials
        }
        let token = Self.makeToken()
        let now = clock.nowMillis()
        try await store.createSession(Session(tokenHash: Self.hash(token), userID: user.id, createdAt: now, lastSeenAt: now))
        return .signedIn(SignedIn(user: user, token: token))
    }

    /// The user a session token belongs to, if the session is still valid.
    func user(token: String) async throws -> User? {
        let tokenHash = Self.hash(token)
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


    /// Only failures consume tokens, so checking leaves the buckets as they are.
    private func allowAttempt(_ keys: [String]) -> Bool {
        let now = Monotonic.nanoseconds()
        return failures.withLock { table in
            keys.allSatisfy { table[$0]?.canTake(nowNanos: now) ?? true }
        }
    }

    private func recordFailure(_ keys: [String]) {
        let now = Monotonic.nanoseconds()
        failures.withLock { table in
            for key in keys {
                var bucket = table[key] ?? RateBucket(rate: 1.0 / 12, burst: 5, nowNanos: now)
                _ = bucket.take(nowNanos: now)
                table[key] = bucket
            }
        }
    }
}
