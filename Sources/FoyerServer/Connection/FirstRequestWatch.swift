import FoyerGeo
import NIOCore
import Synchronization

/// One connection still in its first request: closes it at the deadline, and gives its
/// place back exactly once, when the request head is complete or the connection ends.
///
/// Used on the connection's event loop only.
final class FirstRequestWatch: @unchecked Sendable {
    private let address: String?
    private let owner: PendingConnections
    private var deadline: Scheduled<Void>?
    private var finished = false

    init(channel: any Channel, address: String?, owner: PendingConnections) {
        self.address = address
        self.owner = owner
        // A strong capture: `finish()` (on upgrade, hand-over or close) cancels the task and
        // lets it go. A weak one would give every connection's channel a side table for
        // its whole life (~48 bytes per idle tab, measured with heaptrack).
        deadline = channel.eventLoop.scheduleTask(in: owner.timeout) {
            channel.close(promise: nil)
        }
    }

    /// The first request head is complete (or the connection closed): no deadline, and
    /// the place is free again.
    func finish() {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        deadline = nil
        if let address { owner.release(address) }
    }
}
