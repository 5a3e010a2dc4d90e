import FoyerCore

/// The whole live state of a cluster at one log position: what a joining node starts from.
struct LiveSnapshot: Sendable, Codable {
    /// Every opened account's registry.
    var accounts: [String: AccountRegistry] = [:]
    /// Per account, the nodes with dashboards open.
    var dashboards: [String: [Int64]] = [:]
}
