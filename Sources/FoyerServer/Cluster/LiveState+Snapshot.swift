import FoyerCore

extension LiveState {
    /// One account's snapshot (its registry and the nodes showing it) and its revision;
    /// nil when the account is not opened here.
    func snapshot(of accountID: String) -> (snapshot: LiveSnapshot, revision: UInt64)? {
        guard let account = account(id: accountID), account.isOpened else { return nil }
        let piece = account.snapshotPiece(node: environment.connections.node)
        var snapshot = LiveSnapshot()
        snapshot.accounts[accountID] = piece.registry
        if !piece.dashboards.isEmpty { snapshot.dashboards[accountID] = piece.dashboards.sorted() }
        return (snapshot, piece.revision)
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
