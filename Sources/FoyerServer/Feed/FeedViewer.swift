/// Who is watching a feed: the user and their session, so signing out, removal from
/// the team or an expired session closes exactly their feeds.
struct FeedViewer: Sendable {
    let userID: String
    let sessionHash: String
}
