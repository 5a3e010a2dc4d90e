/// A team member's "notice first" switches for the Visitors and Chats pages.
public struct NoticeSettings: Sendable, Codable, Hashable {
    /// A short sound when a visitor arrives or a trigger fires.
    public var sound: Bool
    /// A desktop notification for the same.
    public var desktop: Bool

    public init(sound: Bool = false, desktop: Bool = false) {
        self.sound = sound
        self.desktop = desktop
    }
}
