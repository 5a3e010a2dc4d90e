import Glibc

/// Reads a process's resident memory and CPU time from `/proc`, and finds the process
/// listening on a TCP port.
struct ProcessProbe: Sendable {
    let pid: Int32

    /// Resident set size in bytes (`VmRSS` in `/proc/PID/status`).
    func residentBytes() throws -> Int {
        let status = try Self.read("/proc/\(pid)/status")
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Int(fields[1]) { return kib * 1024 }
        }
        throw LoadError("no VmRSS in /proc/\(pid)/status")
    }

    /// User plus system CPU time in nanoseconds (`utime + stime` in `/proc/PID/stat`).
    func cpuNanoseconds() throws -> UInt64 {
        let stat = try Self.read("/proc/\(pid)/stat")
        // The command name may hold spaces; the fields after its closing bracket do not.
        guard let close = stat.lastIndex(of: ")") else { throw LoadError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else {
            throw LoadError("unreadable /proc/\(pid)/stat")
        }
        let ticksPerSecond = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) * 1_000_000_000 / ticksPerSecond
    }

    static let current = ProcessProbe(pid: getpid())

    /// The process holding the listening TCP socket on `port` (IPv4 or IPv6).
    static func listening(port: Int) throws -> ProcessProbe {
        var inodes: Set<String> = []
        let portHex = String(port, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - portHex.count)) + portHex
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? read(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // local_address is ADDR:PORT; state 0A is LISTEN; the inode is field 9.
                guard fields.count > 9, fields[1].hasSuffix(":" + padded), fields[3] == "0A" else { continue }
                inodes.insert("socket:[\(fields[9])]")
            }
        }
        guard !inodes.isEmpty else { throw LoadError("nothing listens on port \(port)") }
        guard let proc = opendir("/proc") else { throw LoadError("cannot list /proc") }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard let pid = Int32(name), pid != getpid() else { continue }
            guard let fds = opendir("/proc/\(pid)/fd") else { continue }
            defer { closedir(fds) }
            while let fd = readdir(fds) {
                let fdName = withUnsafeBytes(of: fd.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                var target = [CChar](repeating: 0, count: 64)
                let length = readlink("/proc/\(pid)/fd/\(fdName)", &target, target.count - 1)
                guard length > 0 else { continue }
                let link = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if inodes.contains(link) { return ProcessProbe(pid: pid) }
            }
        }
        throw LoadError("found no process owning the socket on port \(port); pass --server-pid")
    }

    /// A whole small file (the `/proc` files report size 0, so read until end of file).
    private static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LoadError("cannot open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk.prefix(count))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Raises this process's open-file limit to its hard limit; returns the new soft limit.
    @discardableResult
    static func raiseFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }
}
