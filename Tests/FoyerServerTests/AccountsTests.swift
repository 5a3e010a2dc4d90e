import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// Roles, team, settings, setup links and account isolation, enforced by the server.
@Suite("Accounts, roles and settings", .serialized)
struct AccountsTests {
    @Test func agentsSeeSettingsButCannotChangeThem() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        let (_, agent) = try await server.member("agent@shop.example", role: .agent, of: account)
        let read = try await server.api("GET", "/api/settings", cookie: agent)
        #expect(read.status == 200 && read.body.contains(#""canManage":false"#))
        for (method, path, body) in [
            ("PUT", "/api/settings/tracking", #"{"enabled":false}"#), ("PUT", "/api/settings/origins", #"{"origins":[]}"#),
            ("POST", "/api/settings/site-key", "{}"), ("POST", "/api/team", #"{"email":"x@y.z","role":"agent","password":"12345678"}"#),
        ] {
            let response = try await server.api(method, path, cookie: agent, body: body)
            #expect(response.status == 403, "\(method) \(path)")
            #expect(response.body.contains("only owners and admins"))
        }
        #expect(try await server.store.account(id: account.id)?.trackingEnabled == true)
        await server.stop()
    }

    @Test func trackingSwitchClearsAndResumesLive() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-switch-001"))
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)
        #expect(try await feed.nextJSON()?["type"] as? String == "added")
        _ = try await feed.nextJSON()

        let off = try await server.api("PUT", "/api/settings/tracking", cookie: owner, body: #"{"enabled":false}"#)
        #expect(off.status == 200 && off.body.contains(#""tracking":false"#))
        #expect(try await feed.nextJSON()?["type"] as? String == "tracking")
        let cleared = try #require(try await feed.nextJSON())
        #expect(cleared["type"] as? String == "removed" && cleared["reason"] as? String == "cleared")
        #expect(try await tab.next() == #"{"t":"off"}"#, "the open tab is told to collect nothing")
        let late = server.tracker(siteKey: account.siteKey)
        late.send(json: hello(tab: "tab-switch-002"))
        #expect(try await late.next() == #"{"t":"off"}"#)

        let on = try await server.api("PUT", "/api/settings/tracking", cookie: owner, body: #"{"enabled":true}"#)
        #expect(on.status == 200)
        #expect(try await tab.next() == #"{"t":"on"}"#)
        tab.send(json: hello(tab: "tab-switch-001"))
        #expect(try await tab.next() == #"{"t":"ok","r":1}"#)
        var types: [String] = []
        for _ in 0..<3 { types.append(try await feed.nextJSON()?["type"] as? String ?? "") }
        #expect(types.contains("tracking") && types.contains("added"))
        await server.stop()
    }

    @Test func teamRulesAndRemovalEndSessionsAtOnce() async throws {
        let server = try await TestServer.start()
        let (account, owner) = try await server.makeAccount("shop")
        let (admin, adminCookie) = try await server.member("admin@shop.example", role: .admin, of: account)
        let (agent, agentCookie) = try await server.member("agent@shop.example", role: .agent, of: account)
        let ownerID = try #require(try await server.store.user(email: "owner@shop.example")?.id)

        #expect(try await server.api("PATCH", "/api/team/\(agent.id)", cookie: adminCookie, body: #"{"role":"owner"}"#).status == 403)
        #expect(try await server.api("DELETE", "/api/team/\(ownerID)", cookie: adminCookie).status == 403)
        #expect(try await server.api("PATCH", "/api/team/\(ownerID)", cookie: owner, body: #"{"role":"admin"}"#).status == 409, "last owner")
        #expect(try await server.api("DELETE", "/api/team/\(ownerID)", cookie: owner).status == 409, "last owner")
        let added = try await server.api("POST", "/api/team", cookie: adminCookie, body: #"{"email":"New@Shop.example","role":"agent","password":"12345678"}"#)
        #expect(added.status == 201 && added.body.contains("new@shop.example"))
        #expect(try await server.api("POST", "/api/team", cookie: adminCookie, body: #"{"email":"new@shop.example","role":"agent","password":"12345678"}"#).status == 409)

        // Promotion takes effect on the agent's open session at once.
        #expect(try await server.api("PUT", "/api/settings/tracking", cookie: agentCookie, body: #"{"enabled":true}"#).status == 403)
        #expect(try await server.api("PATCH", "/api/team/\(agent.id)", cookie: owner, body: #"{"role":"admin"}"#).status == 200)
        #expect(try await server.api("PUT", "/api/settings/tracking", cookie: agentCookie, body: #"{"enabled":true}"#).status == 200)

        // Removal: the open feed closes with 4401 and the cookie stops working.
        let feed = server.feed(cookie: agentCookie)
        _ = try await feed.nextJSON()
        #expect(try await server.api("DELETE", "/api/team/\(agent.id)", cookie: owner).status == 204)
        #expect(try await feed.closed().code == 4401)
        #expect(try await server.api("GET", "/api/me", cookie: agentCookie).status == 401)
        _ = admin
        await server.stop()
    }

    @Test func signOutEndsTheSessionAndItsFeed() async throws {
        let server = try await TestServer.start()
        let (_, owner) = try await server.makeAccount("shop")
        let feed = server.feed(cookie: owner)
        _ = try await feed.nextJSON()
        let out = try await server.api("DELETE", "/api/session", cookie: owner)
        #expect(out.status == 204 && out.headers["set-cookie"]?.contains("Max-Age=0") == true)
        #expect(try await feed.closed().code == 4401)
        #expect(try await server.api("GET", "/api/me", cookie: owner).status == 401)
    }

    @Test func cookiesAreHttpOnlyAndSameSite() async throws {
        let server = try await TestServer.start()
        _ = try await server.makeAccount("shop")
        let response = try await RawHTTP.request(
            port: server.port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
            body: #"{"email":"owner@shop.example","password":"\#(TestServer.password)"}"#)
        let cookie = try #require(response.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        await server.stop()
    }

    @Test func failedSignInsAreRateLimited() async throws {
        let server = try await TestServer.start()
        _ = try await server.makeAccount("shop")
        var statuses: [Int] = []
        for _ in 0..<7 {
            statuses.append(try await RawHTTP.request(
                port: server.port, method: "POST", path: "/api/session", headers: ["Content-Type": "application/json"],
                body: #"{"email":"owner@shop.example","password":"wrong-password"}"#).status)
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 401 })
        #expect(statuses.last == 429)
        await server.stop()
    }

    @Test func stateChangesNeedJSONFromThisSite() async throws {
        let server = try await TestServer.start()
        let (_, owner) = try await server.makeAccount("shop")
        let form = try await RawHTTP.request(
            port: server.port, method: "PUT", path: "/api/settings/tracking",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": owner], body: "enabled=false")
        #expect(form.status == 415)
        let foreign = try await RawHTTP.request(
            port: server.port, method: "PUT", path: "/api/settings/tracking",
            headers: ["Content-Type": "application/json", "Cookie": owner, "Origin": "https://evil.example"], body: #"{"enabled":false}"#)
        #expect(foreign.status == 403)
        await server.stop()
    }

    @Test func setupLinkCreatesTheFirstOwnerOnce() async throws {
        let server = try await TestServer.start()
        let account = try await server.store.createAccount(name: "fresh", siteKey: SiteKey.make(), now: 1)
        let link = try await FoyerApplication.setupLink(store: server.store, account: account, baseURL: server.baseURL)
        let token = try #require(link.split(separator: "/").last)
        let page = try await RawHTTP.request(port: server.port, path: "/setup/\(token)")
        #expect(page.status == 200 && page.body.contains("Create owner"))
        let body = #"{"token":"\#(token)","email":"first@fresh.example","password":"\#(TestServer.password)"}"#
        let created = try await RawHTTP.request(port: server.port, method: "POST", path: "/api/setup", headers: ["Content-Type": "application/json"], body: body)
        #expect(created.status == 201)
        #expect(try await server.store.user(email: "first@fresh.example")?.role == .owner)
        let again = try await RawHTTP.request(port: server.port, method: "POST", path: "/api/setup", headers: ["Content-Type": "application/json"], body: body)
        #expect(again.status == 404)
        _ = try await server.signIn("first@fresh.example")
        await server.stop()
    }

    /// Walks every route and socket as an owner of account A and checks that nothing of
    /// account B can be read or changed.
    @Test func accountsAreIsolatedOnEveryRouteAndSocket() async throws {
        let server = try await TestServer.start()
        let (a, ownerA) = try await server.makeAccount("alpha")
        let (b, ownerB) = try await server.makeAccount("beta")
        let (memberB, _) = try await server.member("agent@beta.example", role: .agent, of: b)
        let ownerBID = try #require(try await server.store.user(email: "owner@beta.example")?.id)
        let tabB = server.tracker(siteKey: b.siteKey)
        tabB.send(json: hello(tab: "tab-beta-00001", url: "https://beta.example/secret-page"))
        _ = try await tabB.next()

        let reads = [
            try await server.api("GET", "/api/me", cookie: ownerA), try await server.api("GET", "/api/settings", cookie: ownerA),
            try await server.api("GET", "/api/team", cookie: ownerA),
        ]
        for response in reads {
            #expect(response.status == 200)
            #expect(!response.body.contains("beta") && !response.body.contains(b.siteKey))
        }
        for (method, path, body) in [
            ("PATCH", "/api/team/\(memberB.id)", #"{"role":"admin"}"#), ("DELETE", "/api/team/\(memberB.id)", "{}"),
            ("PATCH", "/api/team/\(ownerBID)", #"{"role":"agent"}"#), ("DELETE", "/api/team/\(ownerBID)", "{}"),
        ] {
            #expect(try await server.api(method, path, cookie: ownerA, body: body).status == 404, "\(method) \(path)")
        }
        #expect(try await server.api("PUT", "/api/settings/tracking", cookie: ownerA, body: #"{"enabled":false}"#).status == 200)
        #expect(try await server.api("POST", "/api/settings/site-key", cookie: ownerA).status == 200)
        #expect(try await server.api("PUT", "/api/settings/origins", cookie: ownerA, body: #"{"origins":["https://alpha.example"]}"#).status == 200)

        // B is untouched: settings, team, and its visitor.
        #expect(try await server.store.account(id: b.id) == b)
        #expect(try await server.store.users(accountID: b.id).map(\.role).sorted { $0.rawValue < $1.rawValue } == [.agent, .owner])
        let feedA = server.feed(cookie: ownerA)
        let snapshotA = try #require(try await feedA.next())
        #expect(!snapshotA.contains("beta.example"))
        let feedB = server.feed(cookie: ownerB)
        let snapshotB = try #require(try await feedB.next())
        #expect(snapshotB.contains("https://beta.example/secret-page") && snapshotB.contains(#""tracking":true"#))
        // A's site key never reaches B's visitors, and B's tab is still connected.
        tabB.send(json: ["t": "page", "url": "https://beta.example/still", "title": "Still"])
        #expect(try await feedB.nextJSON()?["type"] as? String == "changed")
        _ = a
        await server.stop()
    }
}
