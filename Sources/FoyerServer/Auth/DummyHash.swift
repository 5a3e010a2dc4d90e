import HummingbirdBcrypt

/// A bcrypt hash no password matches, at a chosen cost, for sign-ins of unknown emails.
///
/// bcrypt's time depends only on the cost in the hash, so the dummy takes as long as
/// the slowest stored hash. It is made by writing the cost into a real hash's text
/// (computed once at cost 4) instead of hashing at that cost, which would take as long
/// as a sign-in for every raise.
struct DummyHash: Sendable {
    private(set) var cost: UInt8 = 4
    private static let template = Bcrypt.hash("no such user", cost: 4)
    private(set) var hash = Self.template

    /// Uses `cost` if it is higher than the current one.
    mutating func raise(to cost: UInt8) {
        guard cost > self.cost, (4...31).contains(cost) else { return }
        self.cost = cost
        // "$2b$04$" + salt and digest: only the two cost digits change.
        let text = Self.template
        let digits = cost < 10 ? "0\(cost)" : "\(cost)"
        hash = String(text.prefix(4)) + digits + String(text.dropFirst(6))
    }

    /// The cost written in a bcrypt hash (`$2b$12$…` is 12), or nil if it is not one.
    static func cost(of hash: String) -> UInt8? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[2].count == 2, let cost = UInt8(parts[2]) else { return nil }
        return cost
    }
}
