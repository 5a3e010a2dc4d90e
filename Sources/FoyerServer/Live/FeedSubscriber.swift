/// Something that receives an account's feed messages (a dashboard socket).
protocol FeedSubscriber: AnyObject, Sendable {
    /// The signed-in user watching, and the hash of their session token.
    var userID: String { get }
    var sessionHash: String { get }
    /// Whether the page shows visitors (Visitors, Chats) rather than only following the
    /// feed for its header (Settings): only those wake the triggers.
    var watches: Bool { get }
    /// Sends already-framed JSON messages, in order. Called under the account's lock,
    /// so it must only enqueue.
    func send(_ frames: FeedFrames, startedAtNanos: UInt64)
    /// Closes the feed with a WebSocket close code and reason.
    func close(code: UInt16, reason: String)
}
