import ArgumentParser
import Foundation
import FoyerCore
import FoyerServer
import FoyerStore
import Logging

/// `foyer account add NAME` and `foyer account list`.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Create and list accounts (workspaces).", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; prints its site key and embed snippet.")

        @Argument(help: "A unique account name.") var name: String
        @OptionGroup var data: DataOptions
        @Option(help: "Public address of the server, for the snippet (env FOYER_PUBLIC_URL).") var publicURL: String?

        func run() async throws {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 100 else { throw CommandFailure("account name must be 1 to 100 characters") }
            let store = try await data.openStore(logger: Logger(label: "foyer"))
            do {
                let account = try await store.createAccount(name: name, siteKey: SiteKey.make(), now: SystemClock().nowMillis())
                try await store.close()
                print(AccountCommand.line(account, baseURL: publicURL ?? Environment.string("FOYER_PUBLIC_URL") ?? "http://localhost:8080"))
            } catch let error as StoreError {
                try? await store.close()
                throw CommandFailure(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts: name, site key and embed snippet, one per line.")

        @OptionGroup var data: DataOptions
        @Option(help: "Public address of the server, for the snippet (env FOYER_PUBLIC_URL).") var publicURL: String?

        func run() async throws {
            let store = try await data.openStore(logger: Logger(label: "foyer"))
            let baseURL = publicURL ?? Environment.string("FOYER_PUBLIC_URL") ?? "http://localhost:8080"
            for account in try await store.accounts() {
                print(AccountCommand.line(account, baseURL: baseURL))
            }
            try await store.close()
        }
    }

    /// `NAME<TAB>SITE_KEY<TAB>SNIPPET`: stable, one account per line, for scripts.
    static func line(_ account: Account, baseURL: String) -> String {
        "\(account.name)\t\(account.siteKey)\t\(SiteKey.snippet(baseURL: baseURL, siteKey: account.siteKey))"
    }
}
