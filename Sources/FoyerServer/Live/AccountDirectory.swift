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

    func remember(_ account: Account) {
        bySiteKey.withLock { $0[account.siteKey] = account }
        byID.withLock { $0[account.id] = account }
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
