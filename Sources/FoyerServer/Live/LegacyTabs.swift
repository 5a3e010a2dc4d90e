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

    /// The account's active chats as agents see them, oldest first, with legacy tab ids
    /// moved to their keys on the way (one read of the chats for both).
    static func activeChats(accountID: String, store: any Store, hasher: IdentityHasher) async throws -> [ChatSummary] {
        var summaries: [ChatSummary] = []
        for var chat in try await store.activeChats(accountID: accountID) {
            if IdentityHasher.isLegacyTab(chat.tab) {
                chat.tab = hasher.tab(chat.tab, accountID: accountID)
                try await store.setChatTab(id: chat.id, tab: chat.tab)
            }
            summaries.append(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)))
        }
        return summaries
    }
}
