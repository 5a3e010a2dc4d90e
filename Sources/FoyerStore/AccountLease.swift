/// A node's lease on an account: while it holds one, that node is the account's owner and
/// runs its once-a-second work. The epoch grows each time the lease changes hands. Today
/// it only shows those changes; the owner-written account log planned next will carry it,
/// so a record written under an old epoch can be refused.
public struct AccountLease: Sendable, Hashable {
    public var account: String
    public var node: Int64
    public var epoch: Int64

    public init(account: String, node: Int64, epoch: Int64) {
        self.account = account
        self.node = node
        self.epoch = epoch
    }
}
