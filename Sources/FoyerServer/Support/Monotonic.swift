import NIOCore

/// Monotonic nanoseconds for latency measurement (never the wall clock).
enum Monotonic {
    static func nanoseconds() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}
