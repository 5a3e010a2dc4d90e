import Crypto
import Foundation
import FoyerCore
import FoyerStore
import Logging
import Synchronization

/// All accounts' live state on this server, and the directory from site keys to accounts.
public final class LiveHub: Sendable {
    let store: any Store
    let writer: EntryWriter
    let clock: any WallClock
    let metrics: FoyerMetrics
    let logger: Logger
    let disconnectGraceMillis: Int64
    /// Most entries shown per account (SPEC: 500 by default).
    let entryLimit: Int
    private let live = Mutex<[String: LiveAccount]>([:])
    private let bySiteKey = Mutex<[String: Account]>([:])
    private let nextConnection = Atomic<UInt64>(1)
    private let browserSalt: [UInt8]

    init(store: any Store, writer: EntryWriter, clock: any WallClock, metrics: FoyerMetrics, browserSalt: String, disconnectGraceMillis: Int64, entryLimit: Int, logger: Logger) {
        self.entryLimit = entryLimit
        self.disconnectGraceMillis = disconnectGraceMillis
        self.store = store
        self.writer = writer
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.browserSalt = Array(browserSalt.utf8)
    }

    /// Loads every account and its persisted entries (after a restart the entries start
    /// their disconnect grace, so returning tabs resume without flashing Offline).
    func loadAll() async throws {
        for account in try await store.accounts() {
            _ = try await liveAccount(for: account)
        }
    }

    /// The account with this site key, from the cache or the store (accounts added by
    /// the command line while the server runs are found too).
    func account(siteKey: String) async throws -> Account? {
        if let account = bySiteKey.withLock({ $0[siteKey] }) { return account }
        guard let account = try await store.account(siteKey: siteKey) else { return nil }
        remember(account)
        return account
    }

    /// The cached account for a site key, without touching the store.
    func cachedAccount(siteKey: String) -> Account? { bySiteKey.withLock { $0[siteKey] } }

    /// The live state of an account, loading it on first use.
    func liveAccount(for account: Account) async throws -> LiveAccount {
        if let existing = live.withLock({ $0[account.id] }) { return existing }
        var registry = AccountRegistry(
            configuration: RegistryConfiguration(entryLimit: entryLimit, disconnectGraceMillis: disconnectGraceMillis),
            trackingEnabled: account.trackingEnabled)
        registry.restore(try await store.entries(accountID: account.id), now: clock.nowMillis())
        var chats: [ChatSummary] = []
        for chat in try await store.activeChats(accountID: account.id) {
            chats.append(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)))
        }
        let created = LiveAccount(id: account.id, registry: registry, chats: chats, writer: writer, clock: clock, metrics: metrics)
        remember(account)
        return live.withLock { table in
            if let raced = table[account.id] { return raced }
            table[account.id] = created
            return created
        }
    }

    /// The live state of an account already loaded.
    func loadedAccount(id: String) -> LiveAccount? { live.withLock { $0[id] } }

    /// Applies a changed account (settings, site key) to the live state.
    func accountChanged(_ account: Account, previous: Account) async throws {
        bySiteKey.withLock { table in
            table[previous.siteKey] = nil
            table[account.siteKey] = account
        }
        let state = try await liveAccount(for: account)
        if previous.siteKey != account.siteKey {
            state.stopTrackers(code: 4001, reason: "site key changed")
        }
        if previous.trackingEnabled != account.trackingEnabled {
            state.setTracking(account.trackingEnabled)
        }
    }

    private func remember(_ account: Account) {
        bySiteKey.withLock { $0[account.siteKey] = account }
    }

    /// A new, server-unique connection identity.
    func makeConnectionID() -> ConnectionID {
        nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// The salted hash under which a browser id is remembered; the id itself is never stored.
    func browserHash(_ browserID: String, accountID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((accountID + ":" + browserID).utf8), using: SymmetricKey(data: browserSalt))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Applies the passage of time to every account.
    func tickAll() {
        for account in live.withLock({ Array($0.values) }) { account.tick() }
    }

    /// Closes every socket politely (graceful shutdown): trackers reconnect to the next
    /// server, dashboards resynchronise.
    func closeAll() {
        for account in live.withLock({ Array($0.values) }) {
            account.stopTrackers(code: 1001, reason: "server shutting down")
            account.closeDashboards(code: 1001, reason: "server shutting down")
        }
    }
}
