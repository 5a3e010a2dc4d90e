/// Who is watching a feed: the user and their session, so signing out, removal from
/// the team or an expired session closes exactly their feeds.
struct FeedViewer: Sendable {
    let userID: String
    let sessionHash: String
    /// Whether the page shows the visitors (Visitors, Chats): only those count as someone
    /// watching for the triggers' quiet rule.
    var watches = true
}
