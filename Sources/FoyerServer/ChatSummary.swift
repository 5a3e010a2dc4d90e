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

/// A message on the wire: `{"id","chat","from","text","at","state"}`.
struct MessageView: Sendable, Codable, Hashable {
    let id: Int64
    let chat: String
    let from: String
    let text: String
    let at: Int64
    let state: String

    init(_ message: ChatMessage) {
        id = message.id
        chat = message.chatID
        from = message.author.rawValue
        text = message.text
        at = message.at
        state = message.state.rawValue
    }
}
