import FoyerCore
import FoyerStore

/// The command sink of a server on its own: commands are applied at once, accounts
/// load their entries from the store (after a restart the entries start their
/// disconnect grace, so returning tabs resume without flashing Offline).
final class LocalCommandSink: LiveCommandSink {
    private let state: LiveState
    private let store: any Store

    init(state: LiveState, store: any Store) {
        self.state = state
        self.store = store
    }

    func start() async throws {
        for account in try await store.accounts() { _ = try await open(account) }
    }

    func open(_ account: Account) async throws -> AccountState {
        if let existing = state.account(id: account.id) { return existing }
        let environment = state.environment
        var registry = AccountRegistry(configuration: environment.configuration, trackingEnabled: account.trackingEnabled)
        let entries = LegacyTabs.keyed(try await store.entries(accountID: account.id), accountID: account.id, hasher: environment.hasher)
        let now = environment.clock.nowMillis()
        registry.restore(entries, now: now)
        // Blocks in force (their entries left when the block began).
        for block in try await store.blocks(accountID: account.id, now: now) {
            _ = registry.block(block.browserHash, until: block.until, now: now)
        }
        registry.setTriggers(try await store.triggers(accountID: account.id).map(\.trigger))
        let chats = try await LegacyTabs.activeChats(accountID: account.id, store: store, hasher: environment.hasher)
        return state.insert(AccountState(id: account.id, environment: environment, registry: registry, chats: chats))
    }

    func ready(accountID: String) -> AccountState? { state.account(id: accountID) }

    func submit(_ record: LiveRecord, startedAtNanos: UInt64) {
        state.apply(record, position: 0, startedAtNanos: startedAtNanos)
    }

    func submitAndWait(_ record: LiveRecord) async throws {
        state.apply(record, position: 0, startedAtNanos: Monotonic.nanoseconds())
    }

    func tick(at now: Int64) {
        state.apply(LiveRecord(account: nil, command: .tick(at: now)), position: 0, startedAtNanos: Monotonic.nanoseconds())
    }
}
