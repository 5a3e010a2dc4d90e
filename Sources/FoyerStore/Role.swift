/// What a team member may do.
public enum Role: String, Sendable, Codable, Hashable, CaseIterable {
    /// Everything an admin does; every account keeps at least one owner.
    case owner
    /// Everything an agent does, plus settings and the team.
    case admin
    /// Watches visitors and chats; cannot change settings.
    case agent

    /// Whether this role may change settings and the team.
    public var canManage: Bool { self != .agent }
}
