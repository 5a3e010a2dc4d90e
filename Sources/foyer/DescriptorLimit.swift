#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open descriptors (`RLIMIT_NOFILE`).
///
/// Every socket takes a descriptor, and shells and service managers often start
/// processes with a soft limit of 1,024 under a much higher hard limit: a server that
/// keeps it runs out of descriptors at about a thousand tabs. `foyer serve` raises the
/// soft limit to the hard one at start and logs both values.
struct DescriptorLimit: Sendable, Equatable {
    var soft: UInt64
    var hard: UInt64

    /// The current limits, or nil if they cannot be read.
    static func current() -> DescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return DescriptorLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit; returns the limits before and after.
    static func raiseSoftToHard() -> (before: DescriptorLimit, after: DescriptorLimit)? {
        guard let before = current() else { return nil }
        var wanted = rlimit(rlim_cur: rlim_t(before.hard), rlim_max: rlim_t(before.hard))
        if setrlimit(resource, &wanted) != 0 {
            #if canImport(Darwin)
            // macOS refuses an unlimited soft limit for descriptors; OPEN_MAX is its ceiling.
            wanted.rlim_cur = rlim_t(min(before.hard, UInt64(OPEN_MAX)))
            _ = setrlimit(resource, &wanted)
            #endif
        }
        return (before, current() ?? before)
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}

extension DescriptorLimit: CustomStringConvertible {
    var description: String {
        func text(_ value: UInt64) -> String { value >= UInt64(Int64.max) ? "unlimited" : String(value) }
        return "soft \(text(soft)), hard \(text(hard))"
    }
}
