import ArgumentParser

/// The `foyer` command: runs the server and administers accounts and users.
@main
struct Foyer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "foyer",
        abstract: "Foyer: a self-hosted, real-time map of the visitors on your website.",
        subcommands: [ServeCommand.self, AccountCommand.self, UserCommand.self, GeoCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
