import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// Settings → Triggers over real HTTP: who may change them, the limits, the order, and
/// that the live state gets every change.
@Suite("Triggers API", .serialized)
struct TriggersAPITests {
    let pricing = #"{"name":"Pricing","message":"Questions about plans?","conditions":{"urlContains":"/pricing","secondsOnPage":5}}"#

    @Test func ownersEditAgentsReadAndAreRefused() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("agent@shop.example", role: .agent, of: account)
        let created = try await server.api("POST", "/api/triggers", cookie: owner, body: pricing)
        #expect(created.status == 201, "\(created.body)")
        let id = try #require(try await server.store.triggers(accountID: account.id).first?.trigger.id)

        let read = try await server.api("GET", "/api/triggers", cookie: agent)
        #expect(read.status == 200 && read.body.contains(#""canManage":false"#) && read.body.contains("Questions about plans?"))
        for (method, path, body) in [
            ("POST", "/api/triggers", pricing), ("PUT", "/api/triggers/\(id)", pricing),
            ("DELETE", "/api/triggers/\(id)", "{}"), ("PUT", "/api/triggers/order", #"{"ids":["\#(id)"]}"#),
        ] {
            let response = try await server.api(method, path, cookie: agent, body: body)
            #expect(response.status == 403 && response.body.contains(#""error""#), "\(method) \(path): \(response.status)")
        }
        #expect(try await server.store.triggers(accountID: account.id).count == 1)
        await server.stop()
    }

    @Test func limitsAreCheckedWithClearMessages() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let long = String(repeating: "x", count: 81)
        for (body, says) in [
            (#"{"name":"","message":"Hi"}"#, "Trigger name must be 1 to 80"),
            (#"{"name":"\#(long)","message":"Hi"}"#, "Trigger name must be 1 to 80"),
            (#"{"name":"A","message":"\#(String(repeating: "m", count: 501))"}"#, "Message must be 1 to 500"),
            (#"{"name":"A","message":"Hi","conditions":{"urlContains":"\#(String(repeating: "u", count: 201))"}}"#, "Page URL contains"),
            (#"{"name":"A","message":"Hi","conditions":{"secondsOnPage":86401}}"#, "Seconds on page must be 0 to 86400"),
            (#"{"name":"A","message":"Hi","conditions":{"pagesViewed":-1}}"#, "pages viewed must be 0 to 1000"),
            (#"{"name":"A","message":"Hi","conditions":{"countries":["DEU"]}}"#, "not a two-letter country code"),
            (#"{"name":"A","message":"Hi","conditions":{"referrerHost":"a b"}}"#, "referrer host"),
            (#"{"name":1}"#, "not the JSON"),
        ] {
            let response = try await server.api("POST", "/api/triggers", cookie: owner, body: body)
            #expect(response.status == 400 && response.body.contains(says), "\(body.prefix(60)): \(response.status) \(response.body)")
        }
        for n in 0..<TriggerLimits.perAccount {
            let response = try await server.api("POST", "/api/triggers", cookie: owner, body: #"{"name":"T\#(n)","message":"Hi"}"#)
            #expect(response.status == 201)
        }
        let over = try await server.api("POST", "/api/triggers", cookie: owner, body: pricing)
        #expect(over.status == 409 && over.body.contains("at most 50 triggers"))
        #expect(try await server.store.triggers(accountID: account.id).count == 50)
        await server.stop()
    }

    @Test func orderEditDeleteReachTheLiveState() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        for name in ["One", "Two", "Three"] {
            _ = try await server.api("POST", "/api/triggers", cookie: owner, body: #"{"name":"\#(name)","message":"Hi"}"#)
        }
        var ids = try await server.store.triggers(accountID: account.id).map(\.trigger.id)
        let reordered = try await server.api("PUT", "/api/triggers/order", cookie: owner, body: #"{"ids":["\#(ids[2])","\#(ids[0])","\#(ids[1])"]}"#)
        #expect(reordered.status == 200)
        let partial = try await server.api("PUT", "/api/triggers/order", cookie: owner, body: #"{"ids":["\#(ids[2])"]}"#)
        #expect(partial.status == 400)
        let edited = try await server.api("PUT", "/api/triggers/\(ids[0])", cookie: owner, body: #"{"name":"Uno","message":"Hola","enabled":false}"#)
        #expect(edited.status == 200)
        #expect(try await server.api("DELETE", "/api/triggers/\(ids[1])", cookie: owner).status == 200)
        #expect(try await server.api("DELETE", "/api/triggers/\(ids[1])", cookie: owner).status == 404)
        ids = try await server.store.triggers(accountID: account.id).map(\.trigger.id)
        let stored = try await server.store.triggers(accountID: account.id).map(\.trigger)
        #expect(stored.map(\.name) == ["Three", "Uno"] && stored.map(\.position) == [0, 1] && stored[1].enabled == false)
        #expect(server.inspector.registry(of: account.id)?.accountTriggers == stored, "the live state has exactly the stored list")
        await server.stop()
    }

    @Test func namesAndMessagesAreCleanedLikeHandWrittenInvitations() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let body = #"{"name":" Pricing\u202e ","message":"Questions\u200b about\nplans?\u2066 "}"#
        let created = try await server.api("POST", "/api/triggers", cookie: owner, body: body)
        #expect(created.status == 201, "\(created.body)")
        let stored = try #require(try await server.store.triggers(accountID: account.id).first?.trigger)
        #expect(stored.name == "Pricing" && stored.message == "Questions about plans?")
        // Measured whole after cleaning: 500 characters and more after a space is refused, not cut.
        let long = #"{"name":"A","message":"\#(String(repeating: "m", count: 500)) and more"}"#
        let refused = try await server.api("POST", "/api/triggers", cookie: owner, body: long)
        #expect(refused.status == 400 && refused.body.contains("Message must be 1 to 500"))
        await server.stop()
    }

    @Test func noticeSwitchesArePerUser() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("agent@shop.example", role: .agent, of: account)
        #expect(try await server.api("GET", "/api/me/notifications", cookie: agent).body.contains(#""sound":false"#))
        let set = try await server.api("PUT", "/api/me/notifications", cookie: agent, body: #"{"sound":true,"desktop":true}"#)
        #expect(set.status == 200)
        #expect(try await server.api("GET", "/api/me/notifications", cookie: agent).body.contains(#""sound":true"#))
        #expect(try await server.api("GET", "/api/me/notifications", cookie: owner).body.contains(#""sound":false"#))
        #expect(try await server.api("PUT", "/api/me/notifications", cookie: agent, body: #"{"sound":"yes"}"#).status == 400)
        await server.stop()
    }
}
