import FoyerCore

extension LiveState {
    /// Every opened account's registry, and which nodes show its dashboards.
    func snapshot() -> LiveSnapshot {
        var snapshot = LiveSnapshot()
        let node = environment.connections.node
        for account in all where account.isOpened {
            snapshot.accounts[account.id] = account.registry
            var nodes = account.remoteDashboardNodes
            if let node, account.hasLocalDashboards { nodes.insert(node) }
            if !nodes.isEmpty { snapshot.dashboards[account.id] = nodes.sorted() }
        }
        return snapshot
    }

    /// Replaces the whole state with a snapshot's; accounts it lacks start unopened.
    func restore(_ snapshot: LiveSnapshot) {
        let node = environment.connections.node
        for id in snapshot.accounts.keys { _ = materialize(id) }
        for account in all {
            var remote = Set(snapshot.dashboards[account.id] ?? [])
            if let node { remote.remove(node) }
            account.replace(registry: snapshot.accounts[account.id], remoteDashboards: remote)
        }
    }

    /// Nodes that some state still refers to (sockets, dashboards).
    func referencedNodes() -> Set<Int64> {
        var nodes: Set<Int64> = []
        for account in all {
            for connection in account.registry.connections { nodes.insert(ConnectionIDs.node(of: connection)) }
            nodes.formUnion(account.remoteDashboardNodes)
        }
        return nodes
    }
}
