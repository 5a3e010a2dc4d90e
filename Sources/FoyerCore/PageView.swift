/// One page a tab showed, as kept in the entry's history.
public struct PageView: Sendable, Codable, Hashable {
    /// Sanitised URL: no query string, no fragment.
    public var url: String
    public var title: String
    /// When the page began, in milliseconds since the epoch.
    public var at: Int64

    public init(url: String, title: String, at: Int64) {
        self.url = url
        self.title = title
        self.at = at
    }
}
