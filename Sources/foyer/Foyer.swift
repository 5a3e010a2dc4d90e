import ArgumentParser
import NIOCore
import NIOPosix

/// The `foyer` command: runs the server and administers accounts and users.
@main
struct Foyer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "foyer",
        abstract: "Foyer: a self-hosted, real-time map of the visitors on your website.",
        version: BuildInfo.description,
        subcommands: [ServeCommand.self, AccountCommand.self, UserCommand.self, GeoCommand.self, BackupCommand.self, RestoreCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    /// Runs Swift concurrency's tasks on NIO's event-loop threads before anything else
    /// starts: a task resumed by socket I/O then stays on the loop that resumed it instead
    /// of hopping to a second pool of threads competing for the same cores. Nothing the
    /// server runs in a task blocks (SQLite, bcrypt and file reads go to NIO's thread pool,
    /// snapshots to a thread of their own).
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
