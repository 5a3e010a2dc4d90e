import FoyerStore

extension ChatSummary {
    /// The account's active chats as agents see them, oldest first.
    static func active(accountID: String, in store: any Store) async throws -> [ChatSummary] {
        var chats: [ChatSummary] = []
        for chat in try await store.activeChats(accountID: accountID) {
            chats.append(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)))
        }
        return chats
    }
}
