import FoyerCore
import FoyerStore

/// Tab ids stored as sent by a version before tab keys (``IdentityHasher``) are replaced
/// by their keys when an account's state is loaded, so tabs open across the upgrade
/// resume their entries and chats.
enum LegacyTabs {
    /// The entries with legacy tab ids keyed.
    static func keyed(_ entries: [Entry], accountID: String, hasher: IdentityHasher) -> [Entry] {
        entries.map { entry in
            guard IdentityHasher.isLegacyTab(entry.tab) else { return entry }
            var keyed = entry
            keyed.tab = hasher.tab(entry.tab, accountID: accountID)
            return keyed
        }
    }

    /// Moves the account's active chats with legacy tab ids to their keys.
    static func keyChats(accountID: String, store: any Store, hasher: IdentityHasher) async throws {
        for chat in try await store.activeChats(accountID: accountID) where IdentityHasher.isLegacyTab(chat.tab) {
            try await store.setChatTab(id: chat.id, tab: hasher.tab(chat.tab, accountID: accountID))
        }
    }
}
