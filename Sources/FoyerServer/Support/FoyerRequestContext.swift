public import Hummingbird
public import NIOCore

/// The request context of Foyer's routes: Hummingbird's core context plus the peer address.
public struct FoyerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
