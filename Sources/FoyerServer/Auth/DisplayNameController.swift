import FoyerCore
import FoyerStore
import Hummingbird

/// A member's own **Display name**, the name visitors see on the member's invitations
/// (Settings → Your profile). Each member sets only their own; without one, visitors see
/// "Team" (``shownName(of:)``).
struct DisplayNameController {
    let authenticator: SessionAuthenticator
    let store: any Store

    struct Change: Decodable { let name: String? }
    struct Answer: Encodable {
        /// The name the member set, or nil.
        let displayName: String?
        /// What visitors see.
        let shownName: String
    }

    func add(to router: Router<FoyerRequestContext>) {
        router.put("/api/me/name") { request, context in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            let change: Change
            do {
                change = try await request.decode(as: Change.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: #"send {"name": "Your name"} or {"name": null}"#)
            }
            // Cleaned like every text a visitor sees; empty clears it.
            let name = change.name.map { InvitationMessage.cleaned($0) }.flatMap { $0.isEmpty ? nil : $0 }
            if let name, name.count > User.maxDisplayNameCharacters {
                throw HTTPError(.badRequest, message: "a display name has at most \(User.maxDisplayNameCharacters) characters")
            }
            try await store.setDisplayName(userID: viewer.user.id, name)
            var user = viewer.user
            user.displayName = name
            return try JSONResponse.value(Answer(displayName: name, shownName: Self.shownName(of: user)))
        }
    }

    /// The name visitors see for `user`: their display name, else "Team", like an
    /// automatic invitation. (Not a name made from the email: with the site's domain,
    /// "J.smith" tells a visitor the agent's address.)
    static func shownName(of user: User) -> String {
        if let name = user.displayName, !name.isEmpty { return name }
        return Self.withoutName
    }

    /// What visitors see from a member without a display name.
    static let withoutName = "Team"
}
