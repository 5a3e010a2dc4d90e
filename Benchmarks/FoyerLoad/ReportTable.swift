/// The summary table: one row per measured quantity, with the target where
/// there is one (issue 7: 19,000 sockets, 5,000 events/s, 20 dashboards). Prints one run, or the median of several runs with each run's value.
struct ReportTable {
    /// One line of the table.
    struct Row: Sendable {
        let label: String
        let digits: Int
        let value: @Sendable (LoadReport) -> Double
        var target = ""
        /// Whether a value meets the target (nil: no target).
        var meets: (@Sendable (Double, LoadPlan) -> Bool)?
    }

    static let rows: [Row] = [
        Row(label: "tracker sockets open", digits: 0, value: { Double($0.trackersOpened) }, target: "all asked",
            meets: { value, plan in Int(value) == plan.trackers }),
        Row(label: "  failed to open", digits: 0, value: { Double($0.trackersFailed) }, target: "0", meets: { value, _ in value == 0 }),
        Row(label: "connect rate (sockets/s)", digits: 0, value: { $0.connectsPerSecond }, target: "≥ 5000",
            meets: { value, _ in value >= 5000 }),
        Row(label: "server CPU per connect (µs)", digits: 0, value: { $0.serverCPUMicrosPerConnect ?? .nan }),
        Row(label: "generator CPU per connect (µs)", digits: 0, value: { $0.generatorCPUMicrosPerConnect ?? .nan }),
        Row(label: "connect+hello→ok p50 (ms)", digits: 2, value: { $0.connectMillisP50 }),
        Row(label: "connect+hello→ok p99 (ms)", digits: 2, value: { $0.connectMillisP99 }),
        Row(label: "server RSS before sockets (MiB)", digits: 1, value: { Double($0.rssBeforeBytes) / 1_048_576 }),
        Row(label: "server RSS with sockets (MiB)", digits: 1, value: { Double($0.rssAfterBytes) / 1_048_576 }),
        Row(label: "RSS per idle tracker socket (KiB)", digits: 2, value: { $0.rssPerSocketBytes / 1024 }, target: "≤ 4.5",
            meets: { value, _ in value <= 4.5 }),
        Row(label: "page changes/s sent", digits: 0, value: { $0.eventsPerSecondAchieved }),
        Row(label: "event→dashboard p50 (ms)", digits: 2, value: { $0.latencyMillisP50 }),
        Row(label: "event→dashboard p90 (ms)", digits: 2, value: { $0.latencyMillisP90 }),
        Row(label: "event→dashboard p99 (ms)", digits: 2, value: { $0.latencyMillisP99 }, target: "≤ 5",
            meets: { value, _ in value <= 5 }),
        Row(label: "event→dashboard p99.9 (ms)", digits: 2, value: { $0.latencyMillisP999 }, target: "≤ 20",
            meets: { value, _ in value <= 20 }),
        Row(label: "event→dashboard max (ms)", digits: 2, value: { $0.latencyMillisMax }),
        Row(label: "receipts (events × dashboards)", digits: 0, value: { Double($0.receipts) }),
        Row(label: "  missing", digits: 0, value: { Double($0.receiptsMissing) }, target: "0", meets: { value, _ in value == 0 }),
        Row(label: "server CPU, idle sockets (%)", digits: 1, value: { $0.serverIdleCPUPercent }),
        Row(label: "server CPU, event phase (%)", digits: 1, value: { $0.serverCPUPercent }),
        Row(label: "server CPU-ms per 1,000 events", digits: 1, value: { $0.serverCPUMillisPer1000Events }),
        Row(label: "generator CPU, event phase (%)", digits: 1, value: { $0.generatorCPUPercent }),
        Row(label: "generator pacing lag max (ms)", digits: 2, value: { $0.pacerMaxLagMillis }),
        Row(label: "held open with heartbeats (s)", digits: 0, value: { $0.holdSecondsMeasured }),
        Row(label: "  heartbeats sent while held", digits: 0, value: { Double($0.holdHeartbeats) }),
        Row(label: "  sockets closed while held", digits: 0, value: { Double($0.holdClosed) }, target: "0",
            meets: { value, _ in value == 0 }),
        Row(label: "  server CPU while held (%)", digits: 1, value: { $0.serverHoldCPUPercent }),
        Row(label: "  server RSS after holding (MiB)", digits: 1, value: { Double($0.rssAfterHoldBytes) / 1_048_576 }),
        Row(label: "trackers closed during run", digits: 0, value: { Double($0.trackersClosedDuringRun) }, target: "0",
            meets: { value, _ in value == 0 }),
    ]

    let reports: [LoadReport]

    func render() -> String {
        guard let first = reports.first else { return "no reports\n" }
        let plan = first.plan
        var lines: [String] = []
        lines.append(
            "foyer-load: \(plan.trackers) tracker sockets, \(plan.dashboards) dashboards, "
                + "\(plan.eventsPerSecond.fixed(0)) page changes/s for \(plan.eventSeconds.fixed(0)) s, "
                + "heartbeat \(plan.heartbeatSeconds.fixed(0)) s, \(plan.sourceAddressCount) source addresses"
                + (reports.count > 1 ? " — median of \(reports.count) runs" : ""))
        let valueHeader = reports.count > 1 ? "median" : "value"
        var table: [[String]] = [["metric", valueHeader, "target", "met"]]
        if reports.count > 1 { table[0].append("runs") }
        for row in Self.rows {
            let values = reports.map(row.value)
            let median = Self.median(values)
            var cells = [row.label, median.fixed(row.digits), row.target]
            if let meets = row.meets { cells.append(meets(median, plan) ? "yes" : "NO") } else { cells.append("") }
            if reports.count > 1 { cells.append(values.map { $0.fixed(row.digits) }.joined(separator: " / ")) }
            table.append(cells)
        }
        let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max() ?? 0 }
        for (index, cells) in table.enumerated() {
            let padded = cells.enumerated().map { column, cell in
                column == 0 ? cell.padding(to: widths[column]) : cell.padding(to: widths[column], left: true)
            }
            lines.append("| " + padded.joined(separator: " | ") + " |")
            if index == 0 { lines.append("|" + widths.enumerated().map { column, width in
                column == 0 ? String(repeating: "-", count: width + 2) : String(repeating: "-", count: width + 1) + ":"
            }.joined(separator: "|") + "|") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    fileprivate func padding(to width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - count))
        return left ? fill + self : self + fill
    }
}
