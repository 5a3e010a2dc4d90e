import FoyerCore
import Testing

@testable import FoyerServer

/// The outbox cuts a node's commands into log batches, without a database.
@Suite("Cluster outbox and snapshot schedule")
struct ClusterOutboxTests {
    private func navigate(_ index: Int, bytes: Int = 10) -> LiveRecord {
        LiveRecord(account: "acc_1", command: .navigate(tab: "tab-\(index)", url: "https://a.example/" + String(repeating: "p", count: bytes), title: "", at: Int64(index)))
    }

    @Test func batchesKeepOrderAndStayWithinTheirSize() throws {
        var outbox = ClusterOutbox()
        let records = (0..<50).map { navigate($0, bytes: 100) }
        for record in records { outbox.add(record) }
        var decoded: [LiveRecord] = []
        var ids: [String] = []
        while let batch = outbox.nextBatch(node: 7, maxBytes: 1_000) {
            #expect(batch.body.utf8.count <= 1_000)
            ids.append(batch.id)
            decoded += try LiveBatchCodec.decode(batch.body)
        }
        #expect(decoded == records, "every command once, in submission order")
        #expect(ids.count > 1 && ids == (1...ids.count).map { "7-\($0)" }, "batch ids are the node's and never repeat")
        #expect(outbox.isEmpty)
    }

    @Test func aCommandLargerThanABatchStillGoesAlone() throws {
        var outbox = ClusterOutbox()
        outbox.add(navigate(1, bytes: 2_000))
        outbox.add(navigate(2))
        let first = outbox.nextBatch(node: 1, maxBytes: 500)
        #expect(try first.map { try LiveBatchCodec.decode($0.body) } == [navigate(1, bytes: 2_000)])
        let second = outbox.nextBatch(node: 1, maxBytes: 500)
        #expect(try second.map { try LiveBatchCodec.decode($0.body) } == [navigate(2)])
        #expect(outbox.nextBatch(node: 1, maxBytes: 500) == nil)
    }

    @Test func aClosedOutboxStillDrainsWhatWasQueued() {
        var outbox = ClusterOutbox()
        outbox.add(navigate(1))
        outbox.close()
        #expect(!outbox.isDrained, "what was queued before closing still goes out")
        _ = outbox.nextBatch(node: 1, maxBytes: 1_000)
        #expect(outbox.isDrained)
    }

    @Test func theLogIsPrunedOnlyToTheHorizonOfTheRoundBefore() {
        let start = ContinuousClock.now
        var schedule = PruneSchedule(interval: .seconds(30), now: start)
        #expect(!schedule.isDue(now: start + .seconds(29)))
        #expect(schedule.isDue(now: start + .seconds(30)))
        #expect(schedule.reached(100, now: start + .seconds(30)) == nil, "the first horizon is only remembered")
        #expect(!schedule.isDue(now: start + .seconds(59)))
        #expect(schedule.reached(180, now: start + .seconds(60)) == 100, "nodes a little behind keep the log since the round before")
        #expect(schedule.reached(nil, now: start + .seconds(90)) == nil, "an account without a snapshot holds pruning back")
        #expect(schedule.reached(250, now: start + .seconds(120)) == nil)
        #expect(schedule.reached(240, now: start + .seconds(150)) == 240, "never past the newest horizon")
    }
}
