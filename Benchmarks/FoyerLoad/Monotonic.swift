import Glibc

/// CLOCK_MONOTONIC in nanoseconds. It is one clock for every process on the machine, so a
/// send time written into a page URL by one process can be compared with a receipt time
/// taken in another.
enum Monotonic {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
