import FoyerCore
import Synchronization

/// Hands out this node's connection ids, unique in the cluster: a node's id sits in the
/// bits above ``nodeShift``, so every node can tell which node holds a socket.
final class ConnectionIDs: Sendable {
    /// Connection ids carry their node in the bits above this one.
    static let nodeShift: UInt64 = 40

    private let next = Atomic<UInt64>(1)
    private let nodeID = Atomic<Int64>(0)

    init() {}

    /// This node's id in the cluster; nil when it runs alone.
    var node: Int64? {
        let node = nodeID.load(ordering: .relaxed)
        return node == 0 ? nil : node
    }

    /// A new connection id.
    func make() -> ConnectionID {
        next.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Numbers this node's connections from its cluster id on.
    func use(node: Int64) {
        nodeID.store(node, ordering: .relaxed)
        next.store(UInt64(node) << Self.nodeShift | 1, ordering: .relaxed)
    }

    /// The node a connection id belongs to.
    static func node(of connection: ConnectionID) -> Int64 { Int64(connection >> nodeShift) }
}
