/// A command as it travels through the cluster's log.
struct LiveRecord: Sendable, Codable, Hashable {
    /// The account, for account commands; nil for commands to every account.
    var account: String?
    /// The submitting node's ticket, so it knows when its own command was applied.
    var ticket: UInt64?
    var command: LiveCommand

    init(account: String?, ticket: UInt64? = nil, command: LiveCommand) {
        self.account = account
        self.ticket = ticket
        self.command = command
    }

    /// Short keys: the log holds millions of these.
    private enum CodingKeys: String, CodingKey {
        case account = "a"
        case ticket = "k"
        case command = "c"
    }
}
