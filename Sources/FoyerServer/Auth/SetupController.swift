import Foundation
import FoyerCore
import FoyerStore
import Hummingbird
import HTTPTypes

/// First run without editing files: `foyer serve` prints a one-time link for each
/// account that has no users yet; opening it lets the newcomer create the first owner.
struct SetupController {
    let authenticator: SessionAuthenticator
    let store: any Store
    let clock: any WallClock

    /// How long a printed setup link works.
    static let linkLifetimeMillis: Int64 = 24 * 3600 * 1000

    struct SetupRequest: Decodable {
        let token: String
        let email: String
        let password: String
    }

    func add(to router: Router<FoyerRequestContext>) {
        router.post("/api/setup") { request, context in
            guard let body = try? await request.decode(as: SetupRequest.self, context: context) else {
                throw HTTPError(.badRequest, message: "send token, email and password")
            }
            guard let email = EmailAddress.normalized(body.email) else {
                throw HTTPError(.badRequest, message: "not an email address (invisible or direction-changing characters are not accepted)")
            }
            guard body.password.count >= 8, body.password.utf8.count <= 72 else {
                throw HTTPError(.badRequest, message: "the password must have 8 to 72 characters")
            }
            guard let accountID = try await store.consumeSetupToken(tokenHash: SessionAuthenticator.hash(body.token), now: clock.nowMillis()) else {
                throw HTTPError(.notFound, message: "this setup link was used already or has expired; run foyer serve again for a new one")
            }
            guard try await store.users(accountID: accountID).isEmpty else {
                throw HTTPError(.conflict, message: "this account already has an owner; sign in instead")
            }
            let hash = try await authenticator.hashPassword(body.password)
            do {
                _ = try await store.createUser(accountID: accountID, email: email, passwordHash: hash, role: .owner, now: clock.nowMillis())
            } catch let error as StoreError where error == .duplicate("") {
                throw HTTPError(.conflict, message: "\(email) cannot be used; choose another address")
            }
            return JSONResponse.raw(.created, #"{"status":"created"}"#)
        }
    }

    /// Makes a fresh one-time link for an account without users.
    static func makeLink(store: any Store, accountID: String, baseURL: String, now: Int64) async throws -> String {
        let token = SessionAuthenticator.makeToken()
        try await store.createSetupToken(accountID: accountID, tokenHash: SessionAuthenticator.hash(token), expiresAt: now + linkLifetimeMillis)
        return "\(baseURL)/setup/\(token)"
    }
}
