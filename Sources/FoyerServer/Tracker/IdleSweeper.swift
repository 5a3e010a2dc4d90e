import NIOCore
import Synchronization

/// Finds tracker sockets that have sent nothing for the idle timeout, once a second per
/// event loop.
///
/// NIO's `IdleStateHandler` keeps a handler, a pipeline slot and a scheduled timer per
/// socket (about 300 bytes each, measured with heaptrack); with tens of thousands of idle
/// tabs one sweep per loop is cheaper. A socket is closed between the timeout and one
/// second after it.
final class IdleSweeper {
    /// Something that can go idle: it says when it will be, unless it hears from its peer.
    protocol Member: AnyObject {
        /// `Monotonic.nanoseconds()` from which on the member is idle.
        var idleDeadlineNanos: UInt64 { get }
        /// Called on the loop once the deadline has passed; the member is no longer watched.
        func idleTimedOut()
    }

    private let loop: any EventLoop
    private var members: [ObjectIdentifier: any Member] = [:]
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
    func add(_ member: any Member) {
        loop.preconditionInEventLoop()
        members[ObjectIdentifier(member)] = member
        if sweeping == nil {
            sweeping = loop.scheduleRepeatedTask(initialDelay: .nanoseconds(Self.periodNanos), delay: .nanoseconds(Self.periodNanos)) {
                [unowned self] _ in self.sweep()
            }
        }
    }

    func remove(_ member: any Member) {
        loop.preconditionInEventLoop()
        members[ObjectIdentifier(member)] = nil
    }

    private func sweep() {
        let now = Monotonic.nanoseconds()
        var idle: [any Member] = []
        for member in members.values where now >= member.idleDeadlineNanos {
            idle.append(member)
        }
        for member in idle {
            members[ObjectIdentifier(member)] = nil
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
