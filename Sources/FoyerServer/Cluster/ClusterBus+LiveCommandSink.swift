import FoyerCore
import FoyerStore

/// A cluster node's commands go through the log; its accounts' states come from the log too.
extension ClusterBus: LiveCommandSink {
    func start() async throws { try await join() }

    /// Opens the account in the log (a no-op if another node did), then loads its chats.
    func open(_ account: Account) async throws -> AccountState {
        if let existing = state.account(id: account.id), existing.isOpened {
            if !existing.chatsLoaded { existing.loadChats(try await LegacyTabs.activeChats(accountID: account.id, store: store, hasher: state.environment.hasher)) }
            return existing
        }
        let open = LiveCommand.open(trackingEnabled: account.trackingEnabled, configuration: state.environment.configuration)
        try await submitAndWait(LiveRecord(account: account.id, command: open))
        let opened = state.materialize(account.id)
        // The stored triggers, unless the log's state has them already (another node opened it).
        let triggers = try await store.triggers(accountID: account.id).map(\.trigger)
        if opened.registry.accountTriggers != triggers { submit(LiveRecord(account: account.id, command: .setTriggers(triggers))) }
        if !opened.chatsLoaded { opened.loadChats(try await LegacyTabs.activeChats(accountID: account.id, store: store, hasher: state.environment.hasher)) }
        return opened
    }

    func ready(accountID: String) -> AccountState? {
        guard let existing = state.account(id: accountID), existing.isReady else { return nil }
        return existing
    }

    func submit(_ record: LiveRecord, startedAtNanos: UInt64) { submit(record) }

    /// Each account's owner ticks for it through the log (``ClusterBus``'s ownership loop).
    func tick(at now: Int64) {}

    /// After joining: accounts opened under other rules than this node's take this
    /// node's (the last node started decides, so a rolling restart with a new
    /// `--entry-limit` applies it everywhere).
    func adoptRules() {
        let rules = state.environment.configuration
        for account in state.all where account.isOpened && account.registry.configuration != rules {
            submit(LiveRecord(account: account.id, command: .setRules(rules, at: state.environment.clock.nowMillis())))
        }
    }

    /// After this node's sockets were dropped from the shared state (declared gone, or a
    /// resynchronisation), puts them back: trackers greet again, dashboards re-announce.
    func rejoin() {
        for account in state.all {
            account.askTrackersToGreet()
            if account.hasLocalDashboards { submit(LiveRecord(account: account.id, command: .dashboards(node: node, open: true))) }
        }
    }
}
