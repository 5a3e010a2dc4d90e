import FoyerCore
import FoyerStore

/// What a tracker socket needs, decided before its upgrade.
struct TrackerSetup: Sendable {
    let account: Account
    let live: LiveAccount
    let hub: LiveHub
    let chats: ChatService
    /// The client address the connection limit was charged to.
    let clientAddress: String
    let limiter: AddressLimiter
    /// Locates the visitor from what was known at the upgrade plus the browser's timezone.
    let locate: @Sendable (_ timezone: String) -> VisitorLocation?
    let messagesPerSecond: Double
    let messageBurst: Double
}
