public import FoyerCore

/// Finds where a visitor is, from the connection and the browser's timezone.
///
/// The server hands it the socket's peer address and request headers once, at the
/// upgrade; the address is used for the lookup only and never stored.
public protocol VisitorLocator: Sendable {
    /// The client's address: the peer, or a forwarded address when the peer is a trusted proxy.
    func clientAddress(peer: String?, headers: [(name: String, value: String)]) -> String?
    /// The visitor's location, or nil when unknown.
    func locate(peer: String?, headers: [(name: String, value: String)], timezone: String?) -> VisitorLocation?
    /// The headers `locate` may read, so a socket need not keep the whole request for
    /// its hellos. `locate` gives the same answer with these as with all of them.
    func locationHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)]
}

extension VisitorLocator {
    /// All of them, unless a locator knows better.
    public func locationHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] { headers }
}
