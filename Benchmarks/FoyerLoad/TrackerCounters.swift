import Synchronization

/// Counts what happens to the tracker sockets after they connected (closes the
/// benchmark did not ask for are a failure of the run).
final class TrackerCounters: Sendable {
    private let closed = Atomic<Int>(0)
    private let closedByServer = Atomic<Int>(0)
    private let lostPages = Atomic<Int>(0)
    private let beats = Atomic<Int>(0)

    func socketClosed() { closed.add(1, ordering: .relaxed) }
    func serverClosed() { closedByServer.add(1, ordering: .relaxed) }
    func pageOnClosedSocket() { lostPages.add(1, ordering: .relaxed) }
    func heartbeatSent() { beats.add(1, ordering: .relaxed) }

    var closedSockets: Int { closed.load(ordering: .relaxed) }
    var serverClosedSockets: Int { closedByServer.load(ordering: .relaxed) }
    var pagesOnClosedSockets: Int { lostPages.load(ordering: .relaxed) }
    var heartbeats: Int { beats.load(ordering: .relaxed) }
}
