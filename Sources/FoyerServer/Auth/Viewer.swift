import FoyerStore
import Hummingbird
import HTTPTypes

/// The signed-in user of a request and their account, checked on every request so a
/// role change or removal takes effect at once.
struct Viewer: Sendable {
    let user: User
    let account: Account
    let token: String

    /// The request's user, or 401.
    static func require(_ request: Request, authenticator: SessionAuthenticator) async throws -> Viewer {
        guard let token = SessionAuthenticator.token(cookieHeader: request.headers[.cookie]),
            let user = try await authenticator.user(token: token),
            let account = try await authenticator.store.account(id: user.accountID)
        else {
            throw HTTPError(.unauthorized, message: "sign in first")
        }
        return Viewer(user: user, account: account, token: token)
    }

    /// The request's user if they may change settings and the team (owner, admin), or 403.
    static func requireManager(_ request: Request, authenticator: SessionAuthenticator) async throws -> Viewer {
        let viewer = try await require(request, authenticator: authenticator)
        guard viewer.user.role.canManage else {
            throw HTTPError(.forbidden, message: "only owners and admins can change this")
        }
        return viewer
    }
}
