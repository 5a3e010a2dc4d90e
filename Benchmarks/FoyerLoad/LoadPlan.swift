import NIOCore

/// Every number of one load run. Flags fill it; `--smoke` changes the defaults only.
struct LoadPlan: Codable, Sendable {
    var host = "127.0.0.1"
    var port = 8080
    /// Where the dashboards connect: another node of a cluster, to measure cross-node latency.
    var feedPort: Int?
    /// Idle tracker sockets to open and hold (the memory measurement divides by this).
    var trackers = 15_000
    var dashboards = 10
    /// Page changes per second over all tracker sockets, sent round-robin.
    var eventsPerSecond = 2_000.0
    var eventSeconds = 60.0
    /// Sockets opened (and kept) before the baseline memory reading, so first-use costs
    /// (code paths, allocator arenas, caches) are not charged to the measured sockets.
    var warmupSockets = 100
    /// Wait after connecting before a memory reading.
    var settleSeconds = 5.0
    /// CPU is sampled for this long with all sockets idle (heartbeats only).
    var idleSeconds = 5.0
    /// Most time to wait after the last event for dashboards to receive everything.
    var drainSeconds = 5.0
    var heartbeatSeconds = 25.0
    /// After the page changes, all sockets stay open this long with heartbeats flowing
    /// (the issue asks for 10 minutes at 19,000 sockets); 0 skips the phase.
    var holdSeconds = 0.0
    /// When set, every tab identifies after `ok`/`wait` (`foyer('identify', …)` with an id,
    /// name and email) and sets this many attributes (`foyer('set', …)`): an identified
    /// visitor's cost per socket.
    var identifyAttributes: Int?
    /// Unix time (seconds) to wait for before the idle and event phases, so several
    /// generators of one cluster measure the same seconds.
    var startAt: Double?
    var connectConcurrency = 256
    /// Tracker sockets per loopback source address; at most the server's connect burst
    /// (200) so no address is ever rate limited, and below its 256 concurrent cap.
    var socketsPerAddress = 200
    var connectRetries = 3
    var connectTimeoutSeconds = 10.0
    var threads = 2

    static let smoke: LoadPlan = {
        var plan = LoadPlan()
        plan.trackers = 1_000
        plan.dashboards = 2
        plan.eventsPerSecond = 200
        plan.eventSeconds = 10
        plan.warmupSockets = 50
        plan.settleSeconds = 2
        plan.idleSeconds = 2
        plan.drainSeconds = 3
        return plan
    }()

    var totalEvents: Int { Int((eventsPerSecond * eventSeconds).rounded()) }

    /// Distinct loopback source addresses the tracker sockets use.
    var sourceAddressCount: Int { (trackers + socketsPerAddress - 1) / socketsPerAddress }

    /// The local address for tracker `index`: 127.0.B.C with C in 2...249, spread
    /// round-robin so every address gets at most `socketsPerAddress` sockets.
    func sourceAddress(tracker index: Int) throws -> SocketAddress {
        let slot = index % max(1, sourceAddressCount)
        return try SocketAddress(ipAddress: "127.0.\(slot / 248).\(2 + slot % 248)", port: 0)
    }

    /// Warm-up sockets come from their own addresses, outside the measured ones.
    func warmupSourceAddress(index: Int) throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.255.\(index / socketsPerAddress).2", port: 0)
    }

    /// Refuses plans the server's per-socket rate limit (10 messages/s) would break.
    func validate() throws {
        guard trackers > 0, dashboards > 0, eventsPerSecond > 0, eventSeconds > 0 else {
            throw LoadError("trackers, dashboards, rate and duration must be positive")
        }
        let perSocket = eventsPerSecond / Double(trackers)
        guard perSocket <= 5 else {
            throw LoadError("\(perSocket) page changes/s per socket would trip the server's rate limit; open more sockets or lower the rate")
        }
        if let identifyAttributes, !(0...30).contains(identifyAttributes) {
            throw LoadError("--identify-attributes must be 0...30 (the server's limit per visitor)")
        }
        guard socketsPerAddress > 0, socketsPerAddress <= 200 else {
            throw LoadError("--sockets-per-address must be 1...200 (the server's connect burst per address)")
        }
    }
}
