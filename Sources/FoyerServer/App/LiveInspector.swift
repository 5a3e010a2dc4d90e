public import FoyerCore
import Synchronization

/// A read-only window on a running server's live state, for tests and diagnostics.
public final class LiveInspector: Sendable {
    private let hub = Mutex<LiveHub?>(nil)

    public init() {}

    func attach(_ hub: LiveHub) { self.hub.withLock { $0 = hub } }

    /// A copy of an account's registry, if this server holds it.
    public func registry(of accountID: String) -> AccountRegistry? {
        hub.withLock { $0 }?.loadedAccount(id: accountID)?.registry
    }

    /// The entry of the tab with this id (as the tracker sends it), if this server shows it.
    public func entry(of accountID: String, tabID: String) -> Entry? {
        guard let hub = hub.withLock({ $0 }) else { return nil }
        return hub.loadedAccount(id: accountID)?.entry(tab: hub.hasher.tab(tabID, accountID: accountID))
    }

    /// This node's id and applied log position, if it is a cluster node.
    public var cluster: (node: Int64, position: Int64)? {
        guard let cluster = hub.withLock({ $0 })?.sink as? ClusterBus else { return nil }
        return (cluster.node, cluster.position)
    }
}
