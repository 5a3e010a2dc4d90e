/// One node's once-a-second round of account leases, done in one statement: renew what it
/// holds, take what it prefers, adopt what was left without an owner, release what it
/// hands on. Expiry is judged by the database's clock, never a node's.
public struct LeaseRound: Sendable, Hashable {
    /// How long the leases this round renews or takes last.
    public var seconds: Double
    /// Accounts this node prefers: taken when free or expired.
    public var claim: [String]
    /// Accounts it does not prefer: taken only when expired this long, so the node they
    /// prefer had its chance (it may be stuck, or never started them).
    public var adopt: [String]
    public var adoptAfterSeconds: Double
    /// Accounts this node holds and gives up now (another node is preferred): they are left
    /// lapsed with no owner, so the preferred node claims them on its next round (and the
    /// releasing node's next round does not renew them).
    public var release: [String]

    public init(seconds: Double, claim: [String] = [], adopt: [String] = [], adoptAfterSeconds: Double = 0, release: [String] = []) {
        self.seconds = seconds
        self.claim = claim
        self.adopt = adopt
        self.adoptAfterSeconds = adoptAfterSeconds
        self.release = release
    }
}
