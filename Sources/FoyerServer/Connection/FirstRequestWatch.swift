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
        deadline = channel.eventLoop.scheduleTask(in: owner.timeout) { [weak channel] in
            channel?.close(promise: nil)
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
