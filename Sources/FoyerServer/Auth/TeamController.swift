import Foundation
import FoyerCore
import FoyerStore
import Hummingbird
import HTTPTypes

/// The team: everyone may see it; owners and admins add, change and remove members.
/// Only owners grant or take away the owner role, and the last owner always stays.
struct TeamController {
    let authenticator: SessionAuthenticator
    let store: any Store
    let clock: any WallClock
    /// Removing a member closes their open feeds.
    let live: LiveHub

    struct Member: Encodable {
        let id: String
        let email: String
        let role: String
        let you: Bool
        /// The name the member set for visitors, or nil.
        var displayName: String? = nil
    }

    struct NewMember: Decodable {
        let email: String
        let role: String
        let password: String
    }

    struct RoleChange: Decodable { let role: String }

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/api/team") { request, _ in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            let members = try await store.users(accountID: viewer.account.id).map {
                Member(id: $0.id, email: $0.email, role: $0.role.rawValue, you: $0.id == viewer.user.id, displayName: $0.displayName)
            }
            return try JSONResponse.value(["members": members])
        }
        router.post("/api/team") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            guard let body = try? await request.decode(as: NewMember.self, context: context) else {
                throw HTTPError(.badRequest, message: "send email, role and password")
            }
            let role = try checkedRole(body.role, by: viewer)
            guard let email = EmailAddress.normalized(body.email) else {
                throw HTTPError(.badRequest, message: "not an email address (invisible or direction-changing characters are not accepted)")
            }
            guard body.password.count >= 8, body.password.utf8.count <= 72 else {
                throw HTTPError(.badRequest, message: "the password must have 8 to 72 characters")
            }
            let hash = try await authenticator.hashPassword(body.password)
            do {
                let user = try await store.createUser(
                    accountID: viewer.account.id, email: email, passwordHash: hash, role: role, now: clock.nowMillis())
                return try JSONResponse.value(Member(id: user.id, email: user.email, role: user.role.rawValue, you: false), status: .created)
            } catch let error as StoreError where error == .duplicate("") {
                // Whether the address is used by another account on this server is not
                // this team's business: the same answer either way.
                throw HTTPError(.conflict, message: "\(email) cannot be added; ask them for another address")
            }
        }
        router.patch("/api/team/:id") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let member = try await memberOfViewersAccount(context, viewer)
            guard let body = try? await request.decode(as: RoleChange.self, context: context) else {
                throw HTTPError(.badRequest, message: "send the new role")
            }
            let role = try checkedRole(body.role, by: viewer)
            if member.role == .owner && viewer.user.role != .owner {
                throw HTTPError(.forbidden, message: "only owners can change an owner's role")
            }
            try await teamChange { try await store.updateRole(userID: member.id, role: role) }
            return try JSONResponse.value(Member(id: member.id, email: member.email, role: role.rawValue, you: member.id == viewer.user.id))
        }
        router.delete("/api/team/:id") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let member = try await memberOfViewersAccount(context, viewer)
            if member.role == .owner && viewer.user.role != .owner {
                throw HTTPError(.forbidden, message: "only owners can remove an owner")
            }
            try await teamChange { try await store.deleteUser(id: member.id) }
            // Their open pages lose their feed at once (sessions are already gone).
            live.loadedAccount(id: viewer.account.id)?.closeDashboards(code: 4401, reason: "removed from the team", .user(member.id))
            return Response(status: .noContent)
        }
    }

    /// The member named in the path, only if they belong to the viewer's account: another
    /// account's member is "not found", never "forbidden", so ids reveal nothing.
    private func memberOfViewersAccount(_ context: FoyerRequestContext, _ viewer: Viewer) async throws -> User {
        guard let id = context.parameters.get("id"), let member = try await store.user(id: id),
            member.accountID == viewer.account.id
        else {
            throw HTTPError(.notFound, message: "no such member")
        }
        return member
    }

    private func checkedRole(_ text: String, by viewer: Viewer) throws -> Role {
        guard let role = Role(rawValue: text.lowercased()) else {
            throw HTTPError(.badRequest, message: "role must be owner, admin or agent")
        }
        if role == .owner && viewer.user.role != .owner {
            throw HTTPError(.forbidden, message: "only owners can make someone an owner")
        }
        return role
    }

    private func teamChange(_ change: () async throws -> Void) async throws {
        do {
            try await change()
        } catch let error as StoreError where error == .invalid("") {
            throw HTTPError(.conflict, message: "an account keeps at least one owner")
        }
    }
}
