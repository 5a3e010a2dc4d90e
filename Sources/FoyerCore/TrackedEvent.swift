/// An event the site reported with `foyer('track', name)`.
public struct TrackedEvent: Sendable, Codable, Hashable {
    public var name: String
    /// When the server received it, in milliseconds since the epoch.
    public var at: Int64

    public init(name: String, at: Int64) {
        self.name = name
        self.at = at
    }
}
