import Foundation
import FoyerCore
import FoyerStore
import Hummingbird
import HTTPTypes

/// `POST /api/visitors/{entryID}/invitation` `{"message": …}`: an agent, admin or owner
/// invites an Online visitor of their account to chat (SPEC section 10).
///
/// 201 with the invitation; 400 for an empty or over-long message; 404 for an entry that
/// is not shown on the viewer's account; 409 when the visitor is Offline, chatting or
/// already invited; 429 past ``perMinute`` invitations by one agent in a minute.
struct InvitationController {
    /// Longest invitation message, in characters (after cleaning).
    static let maxCharacters = InvitationMessage.maxCharacters
    /// Invitations one agent may send per minute.
    static let perMinute = 10

    let authenticator: SessionAuthenticator
    let live: LiveHub
    let store: any Store
    let clock: any WallClock

    struct Body: Decodable { let message: String }

    func add(to router: Router<FoyerRequestContext>) {
        router.post("/api/visitors/:id/invitation") { request, context in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            guard let body = try? await request.decode(as: Body.self, context: context) else {
                throw HTTPError(.badRequest, message: "send the invitation as {\"message\": text}")
            }
            let message = try Self.clean(body.message)
            guard let entryID = context.parameters.get("id") else { throw HTTPError(.notFound, message: "no such visitor") }
            // Counted in the store, so the limit holds for the agent across every node.
            guard try await store.takeInvitationSlot(userID: viewer.user.id, now: clock.nowMillis(), windowMillis: 60_000, limit: Self.perMinute) else {
                throw HTTPError(.tooManyRequests, message: "at most \(Self.perMinute) invitations per minute; try again shortly")
            }
            let account = try await live.liveAccount(for: viewer.account)
            let invitation = Invitation(
                id: Identifier.make(prefix: "i_", length: 16), message: message, agent: DisplayNameController.shownName(of: viewer.user),
                agentID: viewer.user.id, sentAt: clock.nowMillis())
            switch try await account.invite(entryID: entryID, invitation: invitation) {
            case .success(let made):
                return try JSONResponse.value(["invitation": InvitationView(made)], status: .created)
            case .failure(.noSuchEntry):
                throw HTTPError(.notFound, message: InvitationRefusal.noSuchEntry.rawValue)
            case .failure(let refusal):
                throw HTTPError(.conflict, message: refusal.rawValue)
            }
        }
    }

    /// The message as the visitor will see it (``InvitationMessage/cleaned(_:)``), then
    /// checked for length.
    static func clean(_ raw: String) throws -> String {
        let text = InvitationMessage.cleaned(raw)
        guard !text.isEmpty else { throw HTTPError(.badRequest, message: "the invitation message is empty") }
        guard text.count <= maxCharacters else {
            throw HTTPError(.badRequest, message: "an invitation message has at most \(maxCharacters) characters")
        }
        return text
    }

}
