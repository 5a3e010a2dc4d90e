import FoyerStore

/// A chat as agents see it in their list (docs/PROTOCOL.md section 3).
struct ChatSummary: Sendable, Codable, Hashable {
    let id: String
    let entryId: String
    let visitor: String
    let startedAt: Int64
    let lastMessage: MessageView?
    /// The first visitor message since the last agent reply, if unanswered.
    let waitingSince: Int64?
    /// Visitor messages no agent has read.
    let unread: Int

    init(chat: Chat, messages: [ChatMessage]) {
        id = chat.id
        entryId = chat.entryID
        visitor = chat.visitor
        startedAt = chat.startedAt
        lastMessage = messages.last.map(MessageView.init)
        let sinceLastReply = messages.reversed().prefix { $0.author == .visitor }
        waitingSince = sinceLastReply.last?.at
        unread = messages.reduce(0) { $0 + ($1.author == .visitor && $1.state != .read ? 1 : 0) }
    }
}
