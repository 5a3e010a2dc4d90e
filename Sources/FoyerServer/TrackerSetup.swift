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
    /// What the upgrade told about the visitor's location: the peer address and only the
    /// headers the locator reads (kept inline: a closure would cost an allocation per socket).
    let locator: any VisitorLocator
    let peer: String?
    let locationHeaders: [(name: String, value: String)]
    let messagesPerSecond: Double
    let messageBurst: Double

    /// Locates the visitor from what was known at the upgrade plus the browser's timezone.
    func locate(_ timezone: String) -> VisitorLocation? {
        locator.locate(peer: peer, headers: locationHeaders, timezone: timezone)
    }
}
