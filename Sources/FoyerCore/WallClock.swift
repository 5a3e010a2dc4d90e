import Synchronization

/// A source of wall-clock time in milliseconds since the Unix epoch.
///
/// The domain never reads the system clock itself: time is passed in, so tests can
/// move it forward with ``ManualClock``.
public protocol WallClock: Sendable {
    /// Now, in milliseconds since 1970-01-01T00:00:00Z.
    func nowMillis() -> Int64
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    public init() {}

    public func nowMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

/// A clock that only moves when told to; for tests.
public final class ManualClock: WallClock {
    private let current: Mutex<Int64>

    public init(millis: Int64 = 1_764_000_000_000) {
        current = Mutex(millis)
    }

    public func nowMillis() -> Int64 { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(millis: Int64) { current.withLock { $0 += millis } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
