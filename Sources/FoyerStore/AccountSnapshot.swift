/// One account's live state at a log position: written by the account's owner, so a
/// node joining rebuilds each account from its own snapshot and the log after it.
public struct AccountSnapshot: Sendable, Hashable {
    public var account: String
    public var position: Int64
    public var body: String

    public init(account: String, position: Int64, body: String) {
        self.account = account
        self.position = position
        self.body = body
    }
}
