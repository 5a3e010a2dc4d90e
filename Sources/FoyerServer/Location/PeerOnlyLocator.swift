public import FoyerCore

/// A locator that knows nothing: the peer address is the client, locations are unknown.
public struct PeerOnlyLocator: VisitorLocator {
    public init() {}

    public func clientAddress(peer: String?, headers: [(name: String, value: String)]) -> String? { peer }

    public func locate(peer: String?, headers: [(name: String, value: String)], timezone: String?) -> VisitorLocation? { nil }

    public func locationHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] { [] }
}
