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

        log("connecting \(plan.dashboards) dashboard feeds")
        let dashboards = try await openDashboards(recorder: recorder)

        log("warming up with \(plan.warmupSockets) tracker sockets")
        let warmup = await openTrackers(
            indices: 0..<plan.warmupSockets, runID: runID + "w", counters: counters, source: plan.warmupSourceAddress(index:))
        guard warmup.opened.count == plan.warmupSockets else { throw LoadError("warm-up sockets failed: \(describe(warmup))") }
        try await sleep(plan.settleSeconds)
        report.rssBeforeBytes = try server.residentBytes()

        log("opening \(plan.trackers) tracker sockets from \(plan.sourceAddressCount) source addresses")
        let connectCPU = try server.cpuNanoseconds()
        let ownConnectCPU = try ProcessProbe.current.cpuNanoseconds()
        let connect = await openTrackers(indices: 0..<plan.trackers, runID: runID, counters: counters, source: plan.sourceAddress(tracker:))
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

    private enum Attempt: Sendable {
        case opened(TrackerSocket, TrackerHandler.Greeting, micros: UInt64, retries: Int)
        case failed(refusals: [UInt], errors: [String])
    }

    /// Opens tracker sockets with at most `connectConcurrency` in flight, retrying
    /// refusals and errors a few times.
    private func openTrackers(
        indices: Range<Int>, runID: String, counters: TrackerCounters, source: @escaping @Sendable (Int) throws -> SocketAddress
    ) async -> ConnectTally {
        var tally = ConnectTally()
        tally.opened.reserveCapacity(indices.count)
        let start = Monotonic.nanoseconds()
        await withTaskGroup(of: Attempt.self) { group in
            var next = indices.lowerBound
            func launch() {
                let index = next
                next += 1
                group.addTask { await self.openTracker(index: index, runID: runID, counters: counters, source: source) }
            }
            while next < indices.upperBound, next - indices.lowerBound < plan.connectConcurrency { launch() }
            for await attempt in group {
                switch attempt {
                case .opened(let socket, let greeting, let micros, let retries):
                    tally.opened.append(socket)
                    tally.retries += retries
                    if greeting != .ok { tally.waiting += 1 }
                    _ = tally.latencyMicros.record(micros)
                case .failed(let refusals, let errors):
                    tally.failed += 1
                    tally.retries += plan.connectRetries
                    for status in refusals { tally.refusals[status, default: 0] += 1 }
                    for error in errors { tally.errors[error, default: 0] += 1 }
                }
                if next < indices.upperBound { launch() }
            }
        }
        tally.elapsedNanos = Monotonic.nanoseconds() - start
        return tally
    }

    private func openTracker(
        index: Int, runID: String, counters: TrackerCounters, source: @Sendable (Int) throws -> SocketAddress
    ) async -> Attempt {
        let loop = trackerLoops[index % trackerLoops.count]
        let hello =
            #"{"t":"hello","tab":"b\#(runID)t\#(index)","vid":"b\#(runID)v\#(index)","url":"\#(PageMarker.origin)/t/\#(index)","#
            + #""title":"Bench tab \#(index)","ref":"","lang":"en-US","tz":"Europe/Istanbul"}"#
        let heartbeat = TimeAmount.milliseconds(Int64(plan.heartbeatSeconds * 1000))
        var refusals: [UInt] = []
        var errors: [String] = []
        for attempt in 0...plan.connectRetries {
            if attempt > 0 {
                // A refused address's connect bucket refills at 50/s.
                try? await Task.sleep(for: .milliseconds(refusals.isEmpty ? 500 : 1000))
            }
            let started = Monotonic.nanoseconds()
            let greeting = loop.makePromise(of: TrackerHandler.Greeting.self)
            do {
                let outcome = try await dialer.dial(on: loop, from: try source(index), path: "/track?site=\(siteKey)") { channel in
                    let handler = TrackerHandler(hello: hello, heartbeatInterval: heartbeat, counters: counters, greeting: greeting)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
                switch outcome {
                case .upgraded(let channel):
                    let handler = try await channel.eventLoop.submit {
                        let handler = try channel.pipeline.syncOperations.handler(type: TrackerHandler.self)
                        handler.start(channel: channel)
                        return NIOLoopBound(handler, eventLoop: channel.eventLoop)
                    }.get()
                    let answer = try await greeting.futureResult.get()
                    return .opened(TrackerSocket(channel: channel, handler: handler), answer, micros: (Monotonic.nanoseconds() - started) / 1000, retries: attempt)
                case .refused(let status):
                    greeting.fail(LoadError("refused"))
                    refusals.append(status)
                }
            } catch {
                greeting.fail(error)
                errors.append("\(error)")
            }
        }
        return .failed(refusals: refusals, errors: errors)
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
