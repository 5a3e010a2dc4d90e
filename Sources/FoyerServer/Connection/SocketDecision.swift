import HTTPTypes

/// What to do with a WebSocket upgrade request, decided before upgrading.
enum SocketDecision: Sendable {
    case tracker(TrackerSetup)
    case feed(LiveAccount, FeedViewer)
    /// Refuse with an HTTP status and a JSON message; nothing is upgraded.
    case refuse(HTTPResponse.Status, String)
}
