/// Which dashboards a ``LiveCommand/closeDashboards(code:reason:_:)`` closes.
enum DashboardSelector: Sendable, Codable, Hashable {
    case all
    case user(String)
    case session(String)

    func matches(_ subscriber: any FeedSubscriber) -> Bool {
        switch self {
        case .all: true
        case .user(let id): subscriber.userID == id
        case .session(let hash): subscriber.sessionHash == hash
        }
    }
}
