import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `foyer-load run`: one load run against a running server; prints the table and
/// optionally writes the report as JSON.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure connect rate, memory per idle tracker socket, event→dashboard latency and CPU.",
        discussion: "The dashboard user's password is read from FOYER_PASSWORD. Every number has a flag; --smoke only changes the defaults.")

    @Option(help: "Server address (loopback).") var host = "127.0.0.1"
    @Option(help: "Server port.") var port = 8080
    @Option(help: "Port of the node the dashboards use (a cluster node other than --port; default --port).") var feedPort: Int?
    @Option(help: "Site key of the account under test.") var site: String
    @Option(help: "Email of a user of that account (password in FOYER_PASSWORD).") var email: String
    @Option(help: "The server's process id (default: whoever listens on --port).") var serverPid: Int32?
    @Flag(help: "Short run (~30 s): 1,000 sockets, 2 dashboards, 200 events/s for 10 s.") var smoke = false
    @Option(help: "Idle tracker sockets to open (default 15000).") var trackers: Int?
    @Option(help: "Dashboard feeds (default 10).") var dashboards: Int?
    @Option(help: "Page changes per second over all sockets (default 2000).") var rate: Double?
    @Option(help: "Seconds of page changes (default 60).") var duration: Double?
    @Option(help: "Warm-up sockets opened before the baseline memory reading (default 100).") var warmupSockets: Int?
    @Option(help: "Seconds to settle before each memory reading (default 5).") var settle: Double?
    @Option(help: "Seconds of idle CPU sampling (default 5).") var idle: Double?
    @Option(help: "Most seconds to wait for the last events to arrive (default 5).") var drain: Double?
    @Option(help: "Heartbeat interval in seconds (default 25, as foyer.js).") var heartbeat: Double?
    @Option(help: "Seconds to hold every socket open after the page changes, heartbeats flowing (default 0).") var hold: Double?
    @Option(help: "Each tab identifies after ok (id, name, email) and sets this many attributes, as foyer('identify'/'set') does (default: tabs do not identify).")
    var identifyAttributes: Int?
    @Option(help: "Connects in flight at once (default 256).") var connectConcurrency: Int?
    @Option(help: "Tracker sockets per loopback source address, ≤ 200 (default 200).") var socketsPerAddress: Int?
    @Option(help: "Event-loop threads of the generator (default 2; the first serves the dashboards).") var threads: Int?
    @Option(help: "Wait until this Unix time (seconds) before the idle and event phases (several generators, one start).") var startAt: Double?
    @Option(help: "Write the report as JSON to this file.") var json: String?

    func run() async throws {
        var plan = smoke ? LoadPlan.smoke : LoadPlan()
        plan.host = host
        plan.port = port
        plan.feedPort = feedPort
        if let trackers { plan.trackers = trackers }
        if let dashboards { plan.dashboards = dashboards }
        if let rate { plan.eventsPerSecond = rate }
        if let duration { plan.eventSeconds = duration }
        if let warmupSockets { plan.warmupSockets = warmupSockets }
        if let settle { plan.settleSeconds = settle }
        if let idle { plan.idleSeconds = idle }
        if let drain { plan.drainSeconds = drain }
        if let heartbeat { plan.heartbeatSeconds = heartbeat }
        if let hold { plan.holdSeconds = hold }
        plan.startAt = startAt
        plan.identifyAttributes = identifyAttributes
        if let connectConcurrency { plan.connectConcurrency = connectConcurrency }
        if let socketsPerAddress { plan.socketsPerAddress = socketsPerAddress }
        if let threads { plan.threads = threads }
        try plan.validate()
        guard let password = ProcessInfo.processInfo.environment["FOYER_PASSWORD"] else {
            throw ValidationError("set FOYER_PASSWORD to the dashboard user's password")
        }

        let files = ProcessProbe.raiseFileLimit()
        let needed = plan.trackers + plan.warmupSockets + plan.dashboards + 64
        guard files >= needed else {
            throw ValidationError("this process may open \(files) files but needs about \(needed); raise the hard limit (ulimit -Hn)")
        }
        let server = try serverPid.map(ProcessProbe.init(pid:)) ?? ProcessProbe.listening(port: port)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, plan.threads))
        let log: @Sendable (String) -> Void = { message in
            FileHandle.standardError.write(Data("[foyer-load] \(message)\n".utf8))
        }
        let report: LoadReport
        do {
            log("server pid \(server.pid); signing in as \(email)")
            let cookie = try await SessionSignIn(server: try SocketAddress(ipAddress: host, port: port), hostHeader: "\(host):\(port)")
                .cookie(email: email, password: password, group: group)
            report = try await LoadRun(plan: plan, siteKey: site, server: server, cookie: cookie, group: group, log: log).run()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        print(ReportTable(reports: [report]).render(), terminator: "")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }
}
