import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// Account settings saved on one node take effect on every node: a rotated identity
/// secret or site key must not keep working where the account was cached before.
@Suite("Account settings across a cluster", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterSettingsTests {
    @Test func aRotatedSecretAndSiteKeyApplyOnEveryNode() async throws {
        let (database, nodes) = try await TestCluster.start(2)
        let (account, owner) = try await nodes[0].makeAccount("shop")
        let feed = nodes[0].feed(cookie: owner)
        _ = try await feed.nextJSON()
        // Node 1 learns the account (no secret yet) from a tab.
        let first = nodes[1].tracker(siteKey: account.siteKey)
        first.send(json: hello(tab: "tab-cluster-s1"))
        #expect(try await first.next() == trackerOK)

        // The owner opens Settings on node 0: the secret is made there, then rotated.
        _ = try await nodes[0].api("GET", "/api/settings", cookie: owner)
        let rotated = try await nodes[0].api("POST", "/api/settings/identity-secret", cookie: owner)
        let secret = try #require(
            (try JSONSerialization.jsonObject(with: Data(rotated.body.utf8)) as? [String: Any])?["identitySecret"] as? String)

        // A tab on node 1 identifying with the new secret's hash is verified there.
        var verified = false
        for attempt in 0..<50 where !verified {
            let tab = nodes[1].tracker(siteKey: account.siteKey)
            tab.send(json: hello(tab: "tab-cluster-s2-\(attempt)", vid: "browser-s2-\(attempt)"))
            #expect(try await tab.next() == trackerOK)
            tab.send(#"{"t":"api","c":"identify","a":{"id":"cust-9","hash":"\#(identityHash("cust-9", secret: secret))"}}"#)
            let changed = try await feed.nextJSON(matching: {
                (($0["set"] as? [String: Any])?["profile"] as? [String: Any])?["id"] as? String == "cust-9"
            })
            verified = ((changed["set"] as? [String: Any])?["profile"] as? [String: Any])?["verified"] as? Bool == true
            tab.close()
            if !verified { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(verified, "node 1 verifies with the secret rotated on node 0")

        // The site key rotated on node 0: node 1 refuses the old one.
        _ = try await nodes[0].api("POST", "/api/settings/site-key", cookie: owner)
        var refused = false
        for _ in 0..<50 where !refused {
            let old = nodes[1].tracker(siteKey: account.siteKey)
            old.send(json: hello(tab: "tab-cluster-s3"))
            refused = try await old.next() != trackerOK
            old.close()
            if !refused { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(refused, "the old site key stops working on node 1 too")
        await TestCluster.stop(database, nodes)
    }
}
