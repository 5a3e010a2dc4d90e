import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import FoyerTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Many tabs of one account arriving at once through three nodes: the numbering and the
/// limit stay global and race-free, and every node ends with the same state.
@Suite("Cluster under a burst of tabs", .serialized, .enabled(if: ScratchDatabase.url != nil, Comment(rawValue: ScratchDatabase.skipReason)))
struct ClusterLoadTests {
    /// 2,000 client sockets and 2,000 server sockets live in this one process.
    private static func allowDescriptors(_ wanted: rlim_t) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    @Test func twoThousandTabsAtOnceThroughThreeNodesGetUniqueNumbersWithinTheLimit() async throws {
        Self.allowDescriptors(12_000)
        let clock = ManualClock()
        let (database, nodes) = try await TestCluster.start(3, clock: clock) {
            $0.addressSharePercent = 100  // every tab here comes from one address
            $0.maxSocketsPerAddress = 4_000
            $0.maxPendingPerAddress = 4_000
            $0.connectsPerSecondPerAddress = 100_000
        }
        let (account, _) = try await nodes[0].makeAccount("shop")
        let count = 2_000
        let limit = 500  // the default entry limit
        let sockets = (0..<count).map { nodes[$0 % 3].tracker(siteKey: account.siteKey) }
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for (index, socket) in sockets.enumerated() {
                group.addTask {
                    let tab = "tab-burst-\(String(format: "%06d", index))"
                    socket.send(json: hello(tab: tab, url: "https://shop.example/\(index)", vid: "browser-\(index)"))
                    while let text = try await socket.next(timeout: .seconds(60)) {
                        if text.contains(#""t":"ok""#) { return "ok" }
                        if text.contains(#""t":"wait""#) { return "wait" }
                    }
                    return "closed"
                }
            }
            return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(answers == ["ok": limit, "wait": count - limit], "\(answers)")

        // Every node applies the same log: the same entries with the numbers 1…500 once
        // each, and the same 1,500 tabs waiting in the same order.
        var states: [[String]] = []
        var waiting: [[String]] = []
        for node in nodes {
            var registry = node.registry(of: account.id)
            for _ in 0..<100 where (registry?.shownEntries.count ?? 0) < limit || (registry?.waitingTabs.count ?? 0) < count - limit {
                try await Task.sleep(for: .milliseconds(100))
                registry = node.registry(of: account.id)
            }
            let shown = registry?.shownEntries ?? []
            #expect(shown.map(\.number).sorted() == Array(1...limit), "no number twice, none over the limit")
            states.append(shown.map { "\($0.id)=\($0.number)" }.sorted())
            waiting.append(registry?.waitingTabs ?? [])
        }
        #expect(states[0] == states[1] && states[1] == states[2], "every node holds the same entries")
        #expect(waiting[0].count == count - limit && waiting[0] == waiting[1] && waiting[1] == waiting[2], "one waiting line, in one order")
        for socket in sockets { socket.close() }
        await TestCluster.stop(database, nodes)
    }
}
