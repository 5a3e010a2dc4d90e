import ArgumentParser
import Foundation

/// `foyer-load summarize`: the median table over several runs' JSON reports.
struct SummarizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize", abstract: "Print the median of several runs' JSON reports, with each run's value.")

    @Argument(help: "JSON reports written by `foyer-load run --json`.") var reports: [String]

    func run() throws {
        let decoder = JSONDecoder()
        let loaded = try reports.map { path in
            try decoder.decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        }
        print(ReportTable(reports: loaded).render(), terminator: "")
    }
}
