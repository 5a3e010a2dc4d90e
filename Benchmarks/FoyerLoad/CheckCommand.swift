import ArgumentParser
import Foundation

/// `foyer-load check`: the regression guard. Compares the median of smoke runs with the
/// figures committed in `docs/benchmarks-baseline.json` and fails when one got worse by
/// more than its margin. Run by hand on a quiet machine (`Benchmarks/run.sh --smoke --check`).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare runs' JSON reports with a committed baseline; exit 1 when a figure got worse than its margin.")

    @Option(help: "The baseline file.") var baseline = "docs/benchmarks-baseline.json"
    @Flag(help: "Write the reports' medians into the baseline instead of checking (keeps margins).") var update = false
    @Argument(help: "JSON reports written by `foyer-load run --json`.") var reports: [String]

    /// One guarded figure of the baseline file.
    struct Figure: Codable {
        var value: Double
        /// "lower" or "higher": which way is better.
        var better: String
        /// Allowed change for the worse, as a fraction of `value` (0.2 = 20 %).
        var margin: Double
    }

    /// The baseline file: where the numbers came from, and the figures by name.
    struct Baseline: Codable {
        var about: String
        var figures: [String: Figure]
    }

    /// How each guarded figure is read from a report.
    static let readers: [String: @Sendable (LoadReport) -> Double] = [
        "rssPerSocketKiB": { $0.rssPerSocketBytes / 1024 },
        "cpuMillisPer1000Events": { $0.serverCPUMillisPer1000Events },
        "connectsPerSecond": { $0.connectsPerSecond },
        "connectMillisP99": { $0.connectMillisP99 },
        "latencyMillisP99": { $0.latencyMillisP99 },
        "latencyMillisP999": { $0.latencyMillisP999 },
        "idleCPUPercent": { $0.serverIdleCPUPercent },
    ]

    func run() throws {
        let decoder = JSONDecoder()
        let loaded = try reports.map { try decoder.decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
        guard !loaded.isEmpty else { throw ValidationError("no reports") }
        let url = URL(fileURLWithPath: baseline)
        var committed = try decoder.decode(Baseline.self, from: Data(contentsOf: url))

        if update {
            for (name, figure) in committed.figures {
                guard let read = Self.readers[name] else { continue }
                committed.figures[name] = Figure(value: ReportTable.median(loaded.map(read)), better: figure.better, margin: figure.margin)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try (encoder.encode(committed) + Data("\n".utf8)).write(to: url)
            print("check: wrote the medians of \(loaded.count) run(s) into \(baseline); now say where they came from in \"about\"")
            return
        }

        var failures: [String] = []
        // Correctness first: a run that lost sockets or events is a regression whatever its speed.
        for report in loaded {
            if report.trackersFailed > 0 { failures.append("\(report.trackersFailed) tracker sockets failed to open") }
            if report.receiptsMissing > 0 { failures.append("\(report.receiptsMissing) dashboard receipts missing") }
            if report.trackersClosedDuringRun > 0 { failures.append("\(report.trackersClosedDuringRun) tracker sockets closed during the run") }
        }
        print("regression check against \(baseline) (\(committed.about)); median of \(loaded.count) run(s)")
        print("| figure | baseline | now | change | allowed | ok |")
        print("|---|---:|---:|---:|---:|:-:|")
        for name in committed.figures.keys.sorted() {
            guard let figure = committed.figures[name], let read = Self.readers[name] else {
                failures.append("unknown figure \(name) in the baseline")
                continue
            }
            let now = ReportTable.median(loaded.map(read))
            let change = figure.value == 0 ? 0 : (now - figure.value) / figure.value
            let worse = figure.better == "lower" ? change : -change
            let ok = worse <= figure.margin
            let sign = change >= 0 ? "+" : ""
            print("| \(name) | \(figure.value.fixed(2)) | \(now.fixed(2)) | \(sign)\((change * 100).fixed(1)) % | \(figure.better == "lower" ? "+" : "-")\((figure.margin * 100).fixed(0)) % | \(ok ? "yes" : "NO") |")
            if !ok { failures.append("\(name) got worse: \(figure.value.fixed(2)) -> \(now.fixed(2))") }
        }
        guard failures.isEmpty else {
            for failure in failures { print("REGRESSION: \(failure)") }
            throw ExitCode(1)
        }
        print("no figure got worse than its margin")
    }
}
