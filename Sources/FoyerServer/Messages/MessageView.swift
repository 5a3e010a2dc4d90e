import FoyerStore

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
