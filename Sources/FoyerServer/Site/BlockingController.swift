import Foundation
import FoyerCore
import FoyerStore
import Hummingbird
import HTTPTypes

/// **Block visitor** and Settings → **Blocked visitors** (SPEC section 11), for owners and
/// admins only. A block keeps the visitor's browser key (a salted hash; the tab's key when
/// the tab sent no browser id), never an id as the browser sent it.
struct BlockingController {
    let authenticator: SessionAuthenticator
    let store: any Store
    let live: LiveHub
    let clock: any WallClock

    /// How long a block lasts unless lifted.
    static let blockMillis: Int64 = 30 * 86_400_000
    /// Longest reason, in characters.
    static let maxReasonCharacters = 200

    struct BlockRequest: Decodable { let reason: String? }

    /// A block as Settings shows it: no key.
    struct BlockView: Encodable {
        let id: String
        let visitor: String
        let reason: String
        let blockedBy: String
        let blockedAt: Int64
        let until: Int64

        init(_ block: BlockedBrowser) {
            id = block.id
            visitor = block.visitor
            reason = block.reason
            blockedBy = block.blockedBy
            blockedAt = block.blockedAt
            until = block.until
        }
    }

    func add(to router: Router<FoyerRequestContext>) {
        router.post("/api/visitors/:id/block") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let reason = try await self.reason(request, context)
            let account = try await live.liveAccount(for: viewer.account)
            // Another account's entry is not found, like one that never existed.
            guard let entryID = context.parameters.get("id"), let entry = account.entry(id: entryID) else {
                throw HTTPError(.notFound, message: "no such visitor")
            }
            let now = clock.nowMillis()
            let block = BlockedBrowser(
                id: Identifier.make(prefix: "b_", length: 16), accountID: viewer.account.id, browserHash: entry.browser ?? entry.tab,
                visitor: entry.name, reason: reason, blockedBy: viewer.user.email, blockedAt: now, until: now + Self.blockMillis)
            try await store.addBlock(block)
            try await account.block(browser: block.browserHash, until: block.until)
            return try JSONResponse.value(["block": BlockView(block)], status: .created)
        }
        router.get("/api/blocked") { request, _ in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let blocks = try await store.blocks(accountID: viewer.account.id, now: clock.nowMillis())
            return try JSONResponse.value(["blocked": blocks.map(BlockView.init)])
        }
        router.delete("/api/blocked/:id") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            guard let id = context.parameters.get("id"), let block = try await store.removeBlock(id: id, accountID: viewer.account.id) else {
                throw HTTPError(.notFound, message: "no such block")
            }
            try await live.liveAccount(for: viewer.account).unblock(browser: block.browserHash)
            return Response(status: .noContent)
        }
    }

    /// The optional reason: an empty body or no `reason` is none; too long is refused.
    private func reason(_ request: Request, _ context: FoyerRequestContext) async throws -> String {
        let body = try await request.body.collect(upTo: 16_384)
        guard body.readableBytes > 0 else { return "" }
        guard let decoded = try? JSONDecoder().decode(BlockRequest.self, from: Data(body.readableBytesView)) else {
            throw HTTPError(.badRequest, message: "send {\"reason\": \"…\"} or nothing")
        }
        let reason = (decoded.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= Self.maxReasonCharacters else {
            throw HTTPError(.badRequest, message: "a reason has at most \(Self.maxReasonCharacters) characters")
        }
        return TextLimits.clean(reason, limit: Self.maxReasonCharacters)
    }
}
