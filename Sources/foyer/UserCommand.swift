import ArgumentParser
import Foundation
import FoyerCore
import FoyerStore
import HummingbirdBcrypt
import Logging

/// `foyer user add --email E --role R [--account NAME]`; the password comes from
/// `FOYER_PASSWORD` or standard input, never from an argument (arguments show in `ps`).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage team members.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a team member. Password from FOYER_PASSWORD or the first line of standard input.")

        @Option(help: "Email address used to sign in.") var email: String
        @Option(help: "owner, admin or agent.") var role: String
        @Option(help: "Account name (default: the only account).") var account: String?
        @OptionGroup var data: DataOptions
        @Option(help: "bcrypt cost (env FOYER_BCRYPT_COST; default 12).") var bcryptCost: Int?

        func run() async throws {
            guard let role = Role(rawValue: role.lowercased()) else { throw CommandFailure("role must be owner, admin or agent, not \(role)") }
            let email = email.trimmingCharacters(in: .whitespaces).lowercased()
            guard email.count <= 254, email.split(separator: "@").count == 2, !email.hasPrefix("@"), !email.hasSuffix("@") else {
                throw CommandFailure("\(email) is not an email address")
            }
            let password = Environment.string("FOYER_PASSWORD") ?? readLine(strippingNewline: true) ?? ""
            guard password.count >= 8 else { throw CommandFailure("the password must have at least 8 characters (set FOYER_PASSWORD or pipe it in)") }
            guard password.utf8.count <= 72 else { throw CommandFailure("the password must be at most 72 bytes (bcrypt's limit)") }
            let cost = try bcryptCost ?? Environment.int("FOYER_BCRYPT_COST") ?? 12
            guard (4...31).contains(cost) else { throw CommandFailure("bcrypt cost must be between 4 and 31") }

            let store = try await data.openStore(logger: Logger(label: "foyer"))
            let target: Account
            if let name = account {
                guard let found = try await store.account(name: name) else { throw CommandFailure("no account named \(name)") }
                target = found
            } else {
                let all = try await store.accounts()
                guard all.count == 1, let only = all.first else {
                    throw CommandFailure(all.isEmpty ? "no account yet: run foyer serve once or foyer account add NAME" : "several accounts: choose one with --account NAME")
                }
                target = only
            }
            do {
                let user = try await store.createUser(
                    accountID: target.id, email: email, passwordHash: Bcrypt.hash(password, cost: UInt8(cost)), role: role,
                    now: SystemClock().nowMillis())
                print("added \(user.email) as \(user.role.rawValue) of \(target.name)")
            } catch let error as StoreError {
                throw CommandFailure(error.description)
            }
            try await store.close()
        }
    }
}
