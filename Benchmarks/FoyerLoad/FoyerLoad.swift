import ArgumentParser

/// `foyer-load`: the load generator for Foyer's tracker sockets and dashboard feeds.
@main
struct FoyerLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "foyer-load",
        abstract: "Opens tracker sockets and dashboard feeds against a running Foyer server and measures it.",
        subcommands: [RunCommand.self, SummarizeCommand.self, CheckCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
