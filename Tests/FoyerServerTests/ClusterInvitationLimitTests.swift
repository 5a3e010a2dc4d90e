import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

/// The invitations-per-agent limit is one count for the whole cluster, not one per node.
@Suite("Invitation limit across a cluster", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterInvitationLimitTests {
    @Test func tenPerMinuteInAllWhicheverNodeTheyGoThrough() async throws {
        let (database, nodes) = try await TestCluster.start(2)
        let (account, _) = try await nodes[0].makeAccount("shop")
        let (_, agent) = try await nodes[0].member("bob@shop.example", role: .agent, of: account)
        var statuses: [Int] = []
        // Alternating nodes: each node alone would see only 5 or 6.
        for attempt in 0..<11 {
            let node = nodes[attempt % 2]
            statuses.append(try await node.api("POST", "/api/visitors/e_nobody/invitation", cookie: agent, body: #"{"message":"hi"}"#).status)
        }
        #expect(statuses == Array(repeating: 404, count: 10) + [429])
        nodes[0].clock.advance(millis: 60_000)
        #expect(try await nodes[1].api("POST", "/api/visitors/e_nobody/invitation", cookie: agent, body: #"{"message":"hi"}"#).status == 404, "a minute later")
        await TestCluster.stop(database, nodes)
    }
}
