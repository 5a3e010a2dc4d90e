import Foundation
import FoyerCore
import FoyerStore
import Hummingbird
import HTTPTypes

/// Settings → Visitors (the tracking switch), Knowing who is there, Invitations (the
/// default invitation message) and Site setup (snippet, allowed origins, site key
/// rotation). Everyone signed in may read; only owners and admins may change.
struct SettingsController {
    let authenticator: SessionAuthenticator
    let store: any Store
    /// Settings changes apply to the live state at once (tracking, site key).
    let live: LiveHub
    let publicURL: String?

    struct Settings: Encodable {
        let tracking: Bool
        let siteKey: String
        let snippet: String
        let allowedOrigins: [String]
        let canManage: Bool
        /// Remember returning visitors (issue 18): the browser id in localStorage, ↩ and Visits.
        let rememberVisitors: Bool
        /// The key of `identify`'s hash; only owners and admins receive it (absent otherwise).
        let identitySecret: String?
        /// The message the drawer's **Invitation message** starts with: the account's own
        /// default, or the built-in one.
        let invitationMessage: String
        /// Whether `invitationMessage` is the account's own (false: the built-in one).
        let customInvitationMessage: Bool
    }

    struct TrackingChange: Decodable { let enabled: Bool }
    /// A new default invitation message; `null` goes back to the built-in one.
    struct InvitationMessageChange: Decodable { let message: String? }
    struct OriginsChange: Decodable { let origins: [String] }

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/api/settings") { request, _ in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            var account = viewer.account
            if viewer.user.role.canManage && account.identitySecret.isEmpty {
                // Created the first time someone who may see it opens the settings (once,
                // even when two open them at the same moment).
                let secret = Self.makeIdentitySecret()
                account = try await change(viewer) { if $0.identitySecret.isEmpty { $0.identitySecret = secret } }
            }
            return try JSONResponse.value(settings(account, request: request, canManage: viewer.user.role.canManage))
        }
        router.put("/api/settings/remember") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let change = try await decode(TrackingChange.self, request, context)
            let account = try await self.change(viewer) { $0.rememberVisitors = change.enabled }
            return try JSONResponse.value(settings(account, request: request, canManage: true))
        }
        router.put("/api/settings/invitation-message") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let change = try await decode(InvitationMessageChange.self, request, context)
            var message: String?
            if let raw = change.message {
                // The same cleaning and limit as the invitation it will start.
                let cleaned = InvitationMessage.cleaned(raw)
                guard !cleaned.isEmpty else {
                    throw HTTPError(.badRequest, message: "the default invitation message is empty (send null for the built-in one)")
                }
                guard cleaned.count <= InvitationMessage.maxCharacters else {
                    throw HTTPError(.badRequest, message: "an invitation message has at most \(InvitationMessage.maxCharacters) characters")
                }
                message = cleaned
            }
            let account = try await self.change(viewer) { [message] in $0.invitationMessage = message }
            return try JSONResponse.value(settings(account, request: request, canManage: true))
        }
        router.post("/api/settings/identity-secret") { request, _ in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let secret = Self.makeIdentitySecret()
            let account = try await change(viewer) { $0.identitySecret = secret }
            return try JSONResponse.value(settings(account, request: request, canManage: true))
        }
        router.put("/api/settings/tracking") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let change = try await decode(TrackingChange.self, request, context)
            let account = try await self.change(viewer) { $0.trackingEnabled = change.enabled }
            return try JSONResponse.value(settings(account, request: request, canManage: true))
        }
        router.put("/api/settings/origins") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let change = try await decode(OriginsChange.self, request, context)
            guard change.origins.count <= 50 else { throw HTTPError(.badRequest, message: "at most 50 origins") }
            var origins: [String] = []
            for raw in change.origins {
                guard let origin = Self.origin(raw) else {
                    throw HTTPError(.badRequest, message: "\(raw) is not an origin like https://www.example.com")
                }
                if !origins.contains(origin) { origins.append(origin) }
            }
            let account = try await self.change(viewer) { [origins] in $0.allowedOrigins = origins }
            return try JSONResponse.value(settings(account, request: request, canManage: true))
        }
        router.post("/api/settings/site-key") { request, _ in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let siteKey = SiteKey.make()
            let account = try await change(viewer) { $0.siteKey = siteKey }
            return try JSONResponse.value(settings(account, request: request, canManage: true))
        }
    }

    /// Changes the viewer's account in the store (only what `edit` changes: the row is
    /// read and written in one transaction) and then in the live state; returns it.
    private func change(_ viewer: Viewer, _ edit: @escaping @Sendable (inout Account) -> Void) async throws -> Account {
        guard let (previous, current) = try await store.changeAccount(id: viewer.account.id, edit) else {
            throw HTTPError(.notFound, message: "the account no longer exists")
        }
        try await live.accountChanged(current, previous: previous)
        return current
    }

    private func settings(_ account: Account, request: Request, canManage: Bool) -> Settings {
        let base = publicURL ?? "http://" + (request.head.authority ?? "localhost:8080")
        return Settings(
            tracking: account.trackingEnabled, siteKey: account.siteKey,
            snippet: SiteKey.snippet(baseURL: base, siteKey: account.siteKey),
            allowedOrigins: account.allowedOrigins, canManage: canManage, rememberVisitors: account.rememberVisitors,
            identitySecret: canManage ? account.identitySecret : nil,
            invitationMessage: account.invitationMessage ?? InvitationMessage.builtIn,
            customInvitationMessage: account.invitationMessage != nil)
    }

    /// A new identity secret: 32 random bytes as 64 hex digits.
    static func makeIdentitySecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<32).flatMap { _ -> [Character] in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
        })
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: FoyerRequestContext) async throws -> T {
        do {
            return try await request.decode(as: type, context: context)
        } catch {
            throw HTTPError(.badRequest, message: "the request body is not the JSON this endpoint expects")
        }
    }

    /// A normalised web origin (`scheme://host[:port]`, lower case), or nil.
    static func origin(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil, url.user == nil
        else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}
