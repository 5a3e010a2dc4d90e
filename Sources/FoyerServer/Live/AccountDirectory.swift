import FoyerCore
import FoyerStore
import Synchronization

/// Finds accounts by site key: from a cache, or the store (accounts added by the command
/// line while the server runs are found too).
final class AccountDirectory: Sendable {
    private let store: any Store
    private let bySiteKey = Mutex<[String: Account]>([:])
    /// The same accounts by id, for the settings a tracker socket reads after its upgrade
    /// (identity secret, remembering visitors).
    private let byID = Mutex<[String: Account]>([:])
    /// Reloads read and apply one at a time: each starts after the change it follows was
    /// committed, so the last one to run leaves the newest row, whatever order two
    /// concurrent changes (and their direct ``changed(_:previous:)``) reached this node in.
    private let reloads = SerialGate()

    init(store: any Store) {
        self.store = store
    }

    /// The account with this site key, from the cache or the store.
    func account(siteKey: String) async throws -> Account? {
        if let account = cached(siteKey: siteKey) { return account }
        guard let account = try await store.account(siteKey: siteKey) else { return nil }
        remember(account)
        return account
    }

    /// The cached account for a site key, without touching the store.
    func cached(siteKey: String) -> Account? { bySiteKey.withLock { $0[siteKey] } }

    /// The cached account with this id, without touching the store.
    func cached(accountID: String) -> Account? { byID.withLock { $0[accountID] } }

    /// Caches an account read from the store, unless it is cached already: a copy a
    /// request loaded before a change must not replace what ``changed(_:previous:)`` or
    /// ``reload(accountID:)`` put there (an old site key or secret would work again).
    func remember(_ account: Account) {
        let isNew = byID.withLock { table in
            guard table[account.id] == nil else { return false }
            table[account.id] = account
            return true
        }
        if isNew { bySiteKey.withLock { $0[account.siteKey] = account } }
    }

    /// Reads an account again from the store, in the background (another node changed
    /// its settings): its old site key stops finding it here too.
    func reload(accountID: String) {
        guard cached(accountID: accountID) != nil else { return }
        Task {
            try? await reloads.run {
                guard let fresh = try await store.account(id: accountID), let previous = cached(accountID: accountID) else { return }
                changed(fresh, previous: previous)
            }
        }
    }

    /// An account's settings changed: its old site key no longer finds it.
    func changed(_ account: Account, previous: Account) {
        bySiteKey.withLock { table in
            table[previous.siteKey] = nil
            table[account.siteKey] = account
        }
        byID.withLock { $0[account.id] = account }
    }
}
