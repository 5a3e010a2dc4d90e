import NIOCore
import Synchronization

/// Finds tracker sockets that have sent nothing for the idle timeout, once a second per
/// event loop.
///
/// NIO's `IdleStateHandler` keeps a handler, a pipeline slot and a scheduled timer per
/// socket (about 300 bytes each, measured with heaptrack); with tens of thousands of idle
/// tabs one sweep per loop is cheaper. A socket is closed between the timeout and one
/// second after it. The sockets are kept in an array, each knowing its place in it
/// (``TrackerSocketHandler/sweepSlot``): 8 bytes a socket plus the array's spare room,
/// where a dictionary took ~40.
final class IdleSweeper {
    private let loop: any EventLoop
    private var members: [TrackerSocketHandler] = []
    private var sweeping: RepeatedTask?

    /// The interval between two sweeps.
    static let periodNanos: Int64 = 1_000_000_000

    private init(loop: any EventLoop) {
        self.loop = loop
    }

    /// The sweeper of `loop`; made on first use, and kept for the life of the process.
    static func on(_ loop: any EventLoop) -> IdleSweeper {
        sweepers.withLock { sweepers in
            if let sweeper = sweepers[ObjectIdentifier(loop)] { return sweeper.value }
            let sweeper = IdleSweeper(loop: loop)
            sweepers[ObjectIdentifier(loop)] = Box(value: sweeper)
            return sweeper
        }
    }

    /// Watches `member` (on the loop) until `remove` is called or it times out.
    func add(_ member: TrackerSocketHandler) {
        loop.preconditionInEventLoop()
        guard member.sweepSlot < 0 else { return }
        member.sweepSlot = Int32(members.count)
        members.append(member)
        if sweeping == nil {
            sweeping = loop.scheduleRepeatedTask(initialDelay: .nanoseconds(Self.periodNanos), delay: .nanoseconds(Self.periodNanos)) {
                [unowned self] _ in self.sweep()
            }
        }
    }

    func remove(_ member: TrackerSocketHandler) {
        loop.preconditionInEventLoop()
        let slot = Int(member.sweepSlot)
        guard slot >= 0, slot < members.count, members[slot] === member else { return }
        member.sweepSlot = -1
        // The last member takes the freed place.
        let last = members.removeLast()
        if slot < members.count {
            members[slot] = last
            last.sweepSlot = Int32(slot)
        }
    }

    private func sweep() {
        let now = Monotonic.nanoseconds()
        let idle = members.filter { now >= $0.idleDeadlineNanos }
        for member in idle {
            remove(member)
            member.idleTimedOut()
        }
    }

    /// Sweepers are touched only on their own loop; the box lets the map hold them. A
    /// sweeper holds its loop, so no other loop can take its identifier.
    private struct Box: @unchecked Sendable {
        let value: IdleSweeper
    }

    private static let sweepers = Mutex<[ObjectIdentifier: Box]>([:])
}
