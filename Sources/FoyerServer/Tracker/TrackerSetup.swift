import FoyerCore

/// What a tracker socket needs, decided before its upgrade: only what differs per
/// socket, kept small because an idle tab holds it for hours.
struct TrackerSetup: Sendable {
    let context: TrackerContext
    let live: LiveAccount
    /// The client address the connection limit was charged to.
    let clientAddress: String
    /// What the upgrade told about the visitor's location: the peer address and only the
    /// headers the locator reads (kept inline: a closure would cost an allocation per socket).
    let peer: String?
    let locationHeaders: [(name: String, value: String)]
    /// The upgrade's User-Agent, parsed (the raw string is not kept).
    var device: DeviceInfo? = nil

    var hub: LiveHub { context.hub }
    var accountID: String { live.id }

    /// Locates the visitor from what was known at the upgrade plus the browser's timezone.
    func locate(_ timezone: String) -> VisitorLocation? {
        context.locator.locate(peer: peer, headers: locationHeaders, timezone: timezone)
    }
}
