import FoyerCore
import Testing

@Suite("Rendezvous hashing")
struct RendezvousHashTests {
    let accounts = (0..<2_000).map { "account-\($0)" }

    @Test func theAnswerDependsOnlyOnTheSetOfNodes() {
        for account in accounts.prefix(200) {
            let forward = RendezvousHash.preferred(for: account, among: [3, 7, 12, 40])
            #expect(forward == RendezvousHash.preferred(for: account, among: [40, 12, 7, 3]))
            #expect(forward.map { [3, 7, 12, 40].contains($0) } == true)
        }
        #expect(RendezvousHash.preferred(for: "shop", among: []) == nil)
        #expect(RendezvousHash.preferred(for: "shop", among: [9]) == 9)
    }

    @Test func accountsSpreadEvenlyOverTheNodes() {
        let nodes: [Int64] = [1, 2, 3, 4, 5, 6]
        var counts: [Int64: Int] = [:]
        for account in accounts { counts[RendezvousHash.preferred(for: account, among: nodes)!, default: 0] += 1 }
        // 2,000 over 6 is 333 each; a fair hash stays well within ±25 % (binomial σ ≈ 17).
        for node in nodes { #expect((250...417).contains(counts[node] ?? 0), "node \(node) has \(counts[node] ?? 0)") }
    }

    @Test func aNodeJoiningTakesOnlyTheAccountsItWinsAndOneLeavingMovesOnlyItsOwn() {
        let before: [Int64] = [1, 2, 3, 4]
        let joined = before + [5]
        var moved = 0
        for account in accounts {
            let old = RendezvousHash.preferred(for: account, among: before)!
            let new = RendezvousHash.preferred(for: account, among: joined)!
            // An account either stays or goes to the new node, never to another old one.
            #expect(new == old || new == 5)
            if new != old { moved += 1 }
            let left = RendezvousHash.preferred(for: account, among: before.filter { $0 != 2 })!
            if old != 2 { #expect(left == old, "only node 2's accounts move when it leaves") }
        }
        // About a fifth move to the fifth node.
        #expect((300...500).contains(moved), "\(moved) of 2,000 moved")
    }
}
