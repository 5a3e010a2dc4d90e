import Foundation
import Histogram
import NIOCore
import NIOPosix
import NIOWebSocket

/// One load run against a running server, in phases: dashboards and warm-up, baseline
/// memory, N idle tracker sockets (connect rate, memory), idle CPU, page changes at a
/// fixed rate (latency at every dashboard, CPU), then closing everything.
struct LoadRun: Sendable {
    let plan: LoadPlan
    let siteKey: String
    let server: ProcessProbe
    let cookie: String
    let group: MultiThreadedEventLoopGroup
    let log: @Sendable (String) -> Void

    private var loops: [any EventLoop] { Array(group.makeIterator()) }
    /// Dashboards get a loop of their own when there are two, so receipt times are not
    /// held up behind the tracker sockets' work.
    private var dashboardLoop: any EventLoop { loops[0] }
    private var trackerLoops: [any EventLoop] { loops.count > 1 ? Array(loops.dropFirst()) : loops }

    private var dialer: WebSocketDialer {
        get throws {
            WebSocketDialer(
                server: try SocketAddress(ipAddress: plan.host, port: plan.port),
                hostHeader: "\(plan.host):\(plan.port)",
                connectTimeout: .milliseconds(Int64(plan.connectTimeoutSeconds * 1000)))
        }
    }

    func run() async throws -> LoadReport {
        var report = LoadReport(plan: plan)
        let runID = String(UInt32.random(in: .min ... .max), radix: 16)
        let recorder = FeedRecorder(dashboards: plan.dashboards, expectedEvents: plan.totalEvents)
        let counters = TrackerCounters()
        let rings = trackerLoops.map { HeartbeatRing(loop: $0, interval: .milliseconds(Int64(plan.heartbeatSeconds * 1000))) }
        defer { for ring in rings { ring.stop() } }

        log("connecting \(plan.dashboards) dashboard feeds")
        let dashboards = try await openDashboards(recorder: recorder)

        log("warming up with \(plan.warmupSockets) tracker sockets")
        let warmup = await openTrackers(
            indices: 0..<plan.warmupSockets, runID: runID + "w", counters: counters, rings: rings, source: plan.warmupSourceAddress(index:))
        guard warmup.opened.count == plan.warmupSockets else { throw LoadError("warm-up sockets failed: \(describe(warmup))") }
        try await sleep(plan.settleSeconds)
        report.rssBeforeBytes = try server.residentBytes()

        log("opening \(plan.trackers) tracker sockets from \(plan.sourceAddressCount) source addresses")
        let connectCPU = try server.cpuNanoseconds()
        let ownConnectCPU = try ProcessProbe.current.cpuNanoseconds()
        let connect = await openTrackers(indices: 0..<plan.trackers, runID: runID, counters: counters, rings: rings, source: plan.sourceAddress(tracker:))
        report.record(connect)
        if !connect.opened.isEmpty {
            report.serverCPUMicrosPerConnect = Double(try server.cpuNanoseconds() - connectCPU) / 1000 / Double(connect.opened.count)
            report.generatorCPUMicrosPerConnect =
                Double(try ProcessProbe.current.cpuNanoseconds() - ownConnectCPU) / 1000 / Double(connect.opened.count)
        }
        log("opened \(connect.opened.count) in \((Double(connect.elapsedNanos) / 1e9).fixed(1)) s: \(describe(connect))")
        guard !connect.opened.isEmpty else { throw LoadError("no tracker socket opened") }
        try await sleep(plan.settleSeconds)
        report.rssAfterBytes = try server.residentBytes()

        if let startAt = plan.startAt {
            let wait = startAt - Date().timeIntervalSince1970
            if wait > 0 {
                log("waiting \(wait.fixed(1)) s for the common start")
                try await sleep(wait)
            } else {
                log("the common start passed \((-wait).fixed(1)) s ago: this generator starts late")
            }
        }
        log("idle for \((plan.idleSeconds).fixed(1)) s")
        let idleCPU = try server.cpuNanoseconds()
        let idleStart = Monotonic.nanoseconds()
        try await sleep(plan.idleSeconds)
        report.serverIdleCPUPercent = percent(try server.cpuNanoseconds() - idleCPU, of: Monotonic.nanoseconds() - idleStart)

        log("sending \(plan.totalEvents) page changes at \((plan.eventsPerSecond).fixed(1))/s")
        let serverCPU = try server.cpuNanoseconds()
        let ownCPU = try ProcessProbe.current.cpuNanoseconds()
        let pace = try await EventPacer(trackers: connect.opened, eventsPerSecond: plan.eventsPerSecond, total: plan.totalEvents)
            .run(on: trackerLoops[0])
        let serverUsed = try server.cpuNanoseconds() - serverCPU
        let ownUsed = try ProcessProbe.current.cpuNanoseconds() - ownCPU
        report.record(pace: pace, serverCPUNanos: serverUsed, generatorCPUNanos: ownUsed)

        let drainDeadline = Monotonic.nanoseconds() + UInt64(plan.drainSeconds * 1e9)
        while recorder.slowestReceived < pace.sent, Monotonic.nanoseconds() < drainDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        report.record(recorder.tally, sent: pace.sent)
        report.rssEndBytes = try server.residentBytes()

        if plan.holdSeconds > 0 {
            log("holding \(connect.opened.count) sockets for \(plan.holdSeconds.fixed(0)) s, heartbeats flowing")
            let closedBefore = counters.closedSockets
            let beatsBefore = counters.heartbeats
            let holdCPU = try server.cpuNanoseconds()
            let holdStart = Monotonic.nanoseconds()
            let holdEnd = holdStart + UInt64(plan.holdSeconds * 1e9)
            while Monotonic.nanoseconds() < holdEnd {
                try await Task.sleep(for: .milliseconds(min(10_000, Int64((holdEnd - Monotonic.nanoseconds()) / 1_000_000) + 1)))
                log("holding: \(connect.opened.count + warmup.opened.count - counters.closedSockets) open, \(counters.heartbeats - beatsBefore) heartbeats sent")
            }
            let held = Monotonic.nanoseconds() - holdStart
            report.holdSecondsMeasured = Double(held) / 1e9
            report.holdHeartbeats = counters.heartbeats - beatsBefore
            report.holdClosed = counters.closedSockets - closedBefore
            report.serverHoldCPUPercent = percent(try server.cpuNanoseconds() - holdCPU, of: held)
            report.rssAfterHoldBytes = try server.residentBytes()
        }
        report.trackersClosedDuringRun = counters.closedSockets
        report.trackersClosedByServer = counters.serverClosedSockets

        log("closing")
        await close(dashboards)
        await close(warmup.opened.map(\.channel) + connect.opened.map(\.channel))
        return report
    }

    // MARK: Dashboards

    private func openDashboards(recorder: FeedRecorder) async throws -> [any Channel] {
        let feedPort = plan.feedPort ?? plan.port
        let dialer = WebSocketDialer(
            server: try SocketAddress(ipAddress: plan.host, port: feedPort), hostHeader: "\(plan.host):\(feedPort)",
            connectTimeout: .milliseconds(Int64(plan.connectTimeoutSeconds * 1000)))
        var channels: [any Channel] = []
        for index in 0..<plan.dashboards {
            let loop = dashboardLoop
            let snapshot = loop.makePromise(of: Void.self)
            let outcome = try await dialer.dial(
                on: loop, from: nil, path: "/feed", headers: [("Cookie", cookie)], maxFrameSize: 64 << 20
            ) { channel in
                try channel.pipeline.syncOperations.addHandler(
                    DashboardHandler(index: index, recorder: recorder, snapshot: snapshot))
            }
            guard case .upgraded(let channel) = outcome else {
                snapshot.fail(LoadError.closedBeforeSnapshot)
                throw LoadError("the feed was refused: \(outcome)")
            }
            try await snapshot.futureResult.get()
            channels.append(channel)
        }
        return channels
    }

    // MARK: Tracker sockets

    /// Opens tracker sockets from `source` addresses (see ``TrackerOpener``).
    private func openTrackers(
        indices: Range<Int>, runID: String, counters: TrackerCounters, rings: [HeartbeatRing],
        source: @escaping @Sendable (Int) throws -> SocketAddress
    ) async -> ConnectTally {
        let server: SocketAddress
        do {
            server = try SocketAddress(ipAddress: plan.host, port: plan.port)
        } catch {
            var tally = ConnectTally()
            tally.failed = indices.count
            tally.errors["\(error)"] = indices.count
            return tally
        }
        let opener = TrackerOpener(
            plan: plan, loops: trackerLoops, rings: rings, server: server, script: trackerScript, runID: runID, counters: counters, indices: indices,
            source: source)
        return await opener.open()
    }

    /// The upgrade request every tab sends: the headers a current browser sends on a
    /// cross-site WebSocket. The key is RFC 6455's example, whose accept value is known
    /// (the server hashes whatever key it gets, so one key costs it the same as many).
    private var trackerScript: TrackerHandler.Script {
        let key = "dGhlIHNhbXBsZSBub25jZQ=="
        var request = ByteBuffer()
        request.writeString(
            "GET /track?site=\(siteKey) HTTP/1.1\r\nHost: \(plan.host):\(plan.port)\r\nConnection: Upgrade\r\nPragma: no-cache\r\n"
                + "Cache-Control: no-cache\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/131.0.0.0 Safari/537.36\r\nUpgrade: websocket\r\nOrigin: \(PageMarker.origin)\r\nSec-WebSocket-Version: 13\r\n"
                + "Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\nSec-WebSocket-Key: \(key)\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
        return TrackerHandler.Script(
            request: request, acceptLine: ": s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    // MARK: Helpers

    private func close(_ channels: [any Channel]) async {
        for channel in channels { channel.close(promise: nil) }
        for channel in channels { try? await channel.closeFuture.get() }
    }

    private func sleep(_ seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
    }

    private func percent(_ cpuNanos: UInt64, of wallNanos: UInt64) -> Double {
        wallNanos == 0 ? 0 : Double(cpuNanos) / Double(wallNanos) * 100
    }

    private func describe(_ tally: ConnectTally) -> String {
        var parts = ["\(tally.opened.count) open", "\(tally.failed) failed", "\(tally.retries) retried"]
        if tally.waiting > 0 { parts.append("\(tally.waiting) answered wait/off") }
        if !tally.refusals.isEmpty { parts.append("refusals by status " + tally.refusals.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")) }
        for (error, count) in tally.errors.sorted(by: { $0.value > $1.value }).prefix(3) { parts.append("\(count)× \(error)") }
        return parts.joined(separator: ", ")
    }
}
