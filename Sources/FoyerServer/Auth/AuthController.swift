import Foundation
import FoyerCore
import FoyerGeo
import FoyerStore
import Hummingbird
import HTTPTypes

/// Sign-in, sign-out and "who am I".
struct AuthController {
    let authenticator: SessionAuthenticator
    let store: any Store
    /// Signing out closes that session's open feeds.
    let live: LiveHub
    let secureCookies: Bool
    /// Finds the client behind trusted proxies (`--trusted-proxy`).
    let addresses: ClientAddressResolver

    struct SignInRequest: Decodable {
        let email: String
        let password: String
    }

    struct Me: Encodable {
        struct Member: Encodable {
            let email: String
            let role: String
            /// The name the member set for visitors, or nil.
            let displayName: String?
            /// The name visitors see on the member's invitations.
            let shownName: String
        }
        struct Site: Encodable {
            let name: String
            let siteKey: String
            let tracking: Bool
            /// What the drawer's Invitation message starts with (Settings → Invitations).
            let invitationMessage: String
        }
        let user: Member
        let account: Site
        let canManage: Bool
    }

    func add(to router: Router<FoyerRequestContext>) {
        router.post("/api/session") { request, context in
            let body: SignInRequest
            do {
                body = try await request.decode(as: SignInRequest.self, context: context)
            } catch {
                return JSONResponse.error(.badRequest, "send a JSON object with email and password")
            }
            // The client, not a trusted proxy in front: behind nginx every request comes
            // from the proxy, and one client's failures must not lock out everyone.
            let peer = context.remoteAddress?.ipAddress
            let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
            let address = addresses.clientAddress(peer: peer, headers: headers)?.description ?? peer ?? "unknown"
            switch try await authenticator.signIn(email: body.email, password: body.password, clientAddress: address) {
            case .signedIn(let signedIn):
                var response = try JSONResponse.value(["email": signedIn.user.email, "role": signedIn.user.role.rawValue])
                response.headers[.setCookie] = cookie(value: signedIn.token, maxAge: Int(authenticator.idleMillis / 1000))
                return response
            case .wrongCredentials:
                return JSONResponse.error(.unauthorized, "wrong email or password")
            case .invalidEmail:
                return JSONResponse.error(.badRequest, "not an email address")
            case .tooManyAttempts:
                return JSONResponse.error(.tooManyRequests, "too many failed sign-ins; wait a minute and try again")
            }
        }
        router.delete("/api/session") { request, _ in
            if let token = SessionAuthenticator.token(cookieHeader: request.headers[.cookie]),
                let user = try await authenticator.user(token: token)
            {
                try await authenticator.signOut(token: token)
                let sessionHash = SessionAuthenticator.hash(token)
                live.loadedAccount(id: user.accountID)?.closeDashboards(code: 4401, reason: "signed out", .session(sessionHash))
            }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = cookie(value: "", maxAge: 0)
            return response
        }
        router.get("/api/me") { request, _ in
            guard let user = try await authenticator.user(cookieHeader: request.headers[.cookie]),
                let account = try await store.account(id: user.accountID)
            else {
                return JSONResponse.error(.unauthorized, "sign in first")
            }
            return try JSONResponse.value(
                Me(
                    user: .init(
                        email: user.email, role: user.role.rawValue, displayName: user.displayName,
                        shownName: DisplayNameController.shownName(of: user)),
                    account: .init(
                        name: account.name, siteKey: account.siteKey, tracking: account.trackingEnabled,
                        invitationMessage: account.invitationMessage ?? InvitationMessage.builtIn),
                    canManage: user.role.canManage))
        }
    }

    private func cookie(value: String, maxAge: Int) -> String {
        var cookie = "\(SessionAuthenticator.cookieName)=\(value); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)"
        if secureCookies { cookie += "; Secure" }
        return cookie
    }
}
