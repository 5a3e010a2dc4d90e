import Foundation
import FoyerCore
import FoyerStore
import Hummingbird

/// Settings → **Triggers**: automatic invitations. Everyone signed in may read; only
/// owners and admins may change (agents get 403). Every change is stored, then the
/// account's whole list goes to the live state (`LiveCommand.setTriggers`), where the
/// registry evaluates it.
struct TriggersController {
    let authenticator: SessionAuthenticator
    let store: any Store
    let live: LiveHub

    /// A trigger as the API shows it, with its counts.
    struct TriggerView: Encodable {
        let id: String
        let name: String
        let message: String
        let enabled: Bool
        let position: Int
        let conditions: TriggerConditions
        let shown: Int
        let accepted: Int
        let dismissed: Int
    }

    struct TriggerList: Encodable {
        let triggers: [TriggerView]
        let canManage: Bool
        let limit: Int
    }

    /// What a client sends to create or change a trigger.
    struct TriggerInput: Decodable {
        let name: String
        let message: String
        let enabled: Bool?
        let conditions: TriggerConditions?
    }

    struct Order: Decodable { let ids: [String] }

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/api/triggers") { request, _ in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            return try JSONResponse.value(try await list(viewer))
        }
        router.post("/api/triggers") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let input = try await decode(TriggerInput.self, request, context)
            // The store checks the limit and places the trigger last in one step: two
            // owners adding at once at 49 make 50, never 51.
            let trigger = try Self.validated(input, id: Identifier.make(prefix: "tr_"), position: 0)
            guard try await store.addTrigger(accountID: viewer.account.id, trigger, limit: TriggerLimits.perAccount) != nil else {
                throw HTTPError(.conflict, message: "at most \(TriggerLimits.perAccount) triggers per account")
            }
            return try JSONResponse.value(try await changed(viewer), status: .created)
        }
        router.put("/api/triggers/order") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let order = try await decode(Order.self, request, context)
            guard try await store.reorderTriggers(accountID: viewer.account.id, ids: order.ids) else {
                throw HTTPError(.badRequest, message: "ids must list every trigger of the account once")
            }
            return try JSONResponse.value(try await changed(viewer))
        }
        router.put("/api/triggers/:id") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            let id = context.parameters.get("id") ?? ""
            let input = try await decode(TriggerInput.self, request, context)
            // The position is the store's (an edit never moves a trigger).
            let trigger = try Self.validated(input, id: id, position: 0)
            guard try await store.updateTrigger(accountID: viewer.account.id, trigger) else {
                throw HTTPError(.notFound, message: "no such trigger")
            }
            return try JSONResponse.value(try await changed(viewer))
        }
        router.delete("/api/triggers/:id") { request, context in
            let viewer = try await Viewer.requireManager(request, authenticator: authenticator)
            guard try await store.deleteTrigger(accountID: viewer.account.id, id: context.parameters.get("id") ?? "") else {
                throw HTTPError(.notFound, message: "no such trigger")
            }
            return try JSONResponse.value(try await changed(viewer))
        }
    }

    private func list(_ viewer: Viewer) async throws -> TriggerList {
        let records = try await store.triggers(accountID: viewer.account.id)
        return TriggerList(
            triggers: records.map { record in
                let t = record.trigger
                return TriggerView(
                    id: t.id, name: t.name, message: t.message, enabled: t.enabled, position: t.position, conditions: t.conditions,
                    shown: record.shown, accepted: record.accepted, dismissed: record.dismissed)
            },
            canManage: viewer.user.role.canManage, limit: TriggerLimits.perAccount)
    }

    /// The list after a change, which the live state gets too.
    private func changed(_ viewer: Viewer) async throws -> TriggerList {
        let list = try await list(viewer)
        try await live.liveAccount(for: viewer.account).setTriggers(try await store.triggers(accountID: viewer.account.id).map(\.trigger))
        return list
    }

    /// The trigger the input describes, or a 400 naming the first rule it breaks.
    static func validated(_ input: TriggerInput, id: String, position: Int) throws -> Trigger {
        func bad(_ message: String) -> HTTPError { HTTPError(.badRequest, message: message) }
        // Cleaned like a hand-written invitation: the message reaches visitors, and the
        // name is shown to every agent of the account.
        let name = InvitationMessage.cleaned(input.name)
        let message = InvitationMessage.cleaned(input.message)
        guard (1...TriggerLimits.name).contains(name.count) else { throw bad("Trigger name must be 1 to \(TriggerLimits.name) characters") }
        guard (1...TriggerLimits.message).contains(message.count) else {
            throw bad("Message must be 1 to \(TriggerLimits.message) characters")
        }
        var conditions = input.conditions ?? TriggerConditions()
        conditions.urlContains = conditions.urlContains?.trimmingCharacters(in: .whitespacesAndNewlines)
        if conditions.urlContains?.isEmpty == true { conditions.urlContains = nil }
        if let text = conditions.urlContains, text.count > TriggerLimits.urlText {
            throw bad("Page URL contains must be at most \(TriggerLimits.urlText) characters")
        }
        if let seconds = conditions.secondsOnPage, !(0...TriggerLimits.seconds).contains(seconds) {
            throw bad("Seconds on page must be 0 to \(TriggerLimits.seconds)")
        }
        if let pages = conditions.pagesViewed, !(0...TriggerLimits.pages).contains(pages) {
            throw bad("pages viewed must be 0 to \(TriggerLimits.pages)")
        }
        conditions.referrerHost = conditions.referrerHost?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if conditions.referrerHost?.isEmpty == true { conditions.referrerHost = nil }
        if let host = conditions.referrerHost {
            let allowed = host.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 }
            guard host.count <= TriggerLimits.urlText, allowed else {
                throw bad("referrer host must be a host name like example.com (at most \(TriggerLimits.urlText) characters)")
            }
        }
        if let countries = conditions.countries {
            guard countries.count <= TriggerLimits.countries else { throw bad("at most \(TriggerLimits.countries) country codes") }
            var codes: [String] = []
            for raw in countries {
                let code = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
                guard code.count == 2, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
                    throw bad("\(raw.prefix(10)) is not a two-letter country code like DE")
                }
                if !codes.contains(code) { codes.append(code) }
            }
            conditions.countries = codes.isEmpty ? nil : codes
        }
        return Trigger(id: id, name: name, message: message, enabled: input.enabled ?? true, position: position, conditions: conditions)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: FoyerRequestContext) async throws -> T {
        do {
            return try await request.decode(as: type, context: context)
        } catch {
            throw HTTPError(.badRequest, message: "the request body is not the JSON this endpoint expects")
        }
    }
}
