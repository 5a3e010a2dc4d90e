import Logging
import NIOCore

/// What every tracker socket of a server shares: one object, so each socket's handler
/// holds one reference instead of copies of the same settings and services.
final class TrackerContext: Sendable {
    let hub: LiveHub
    let chats: ChatService
    let limiter: AddressLimiter
    let locator: any VisitorLocator
    let logger: Logger
    let messagesPerSecond: Double
    let messageBurst: Double
    /// No frame (not even a heartbeat) for this long closes a socket with 4002.
    let idleTimeoutNanos: UInt64
    /// A message may take at most this many bytes, in at most `maxFragments` fragments.
    let maxMessageBytes: Int

    init(
        hub: LiveHub, chats: ChatService, limiter: AddressLimiter, locator: any VisitorLocator,
        configuration: FoyerConfiguration, logger: Logger
    ) {
        self.logger = logger
        self.hub = hub
        self.chats = chats
        self.limiter = limiter
        self.locator = locator
        messagesPerSecond = configuration.trackerMessagesPerSecond
        messageBurst = configuration.trackerMessageBurst
        idleTimeoutNanos = UInt64(max(0, TimeAmount.seconds(configuration.trackerIdleTimeoutSeconds).nanoseconds))
        maxMessageBytes = configuration.maxFrameBytes
    }
}
