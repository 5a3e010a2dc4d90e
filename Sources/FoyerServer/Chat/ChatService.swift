import Foundation
import FoyerCore
import FoyerStore

/// Chats between visitors and agents: every message is stored before it is
/// acknowledged, then fanned out to the visitor's tab and the account's dashboards.
final class ChatService: Sendable {
    /// Longest message, in characters.
    static let maxCharacters = 4000

    let store: any Store
    private let live: LiveHub
    private let clock: any WallClock
    /// One chat change at a time, so two first messages cannot start two chats.
    private let gate = SerialGate()

    init(store: any Store, live: LiveHub) {
        self.store = store
        self.live = live
        clock = live.clock
    }

    enum Refusal: String, Error {
        case empty
        case tooLong = "too long"
        /// The visitor's browser (or tab) is blocked.
        case blocked
    }

    // MARK: Visitors

    /// A visitor's message; starts a chat if the tab has none.
    /// `browser` is the tab's browser key, if any: a blocked browser's messages are refused.
    func visitorSays(
        accountID: String, live: LiveAccount, tab: String, browser: String?, clientID: String, text raw: String
    ) async throws -> Result<ChatMessage, Refusal> {
        guard !live.isBlocked(tab: tab, browser: browser) else { return .failure(.blocked) }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .failure(.empty) }
        guard text.count <= Self.maxCharacters else { return .failure(.tooLong) }
        return try await gate.run {
            let now = clock.nowMillis()
            let chat: Chat
            var opening: ChatMessage?
            if let active = try await store.activeChat(accountID: accountID, tab: tab) {
                chat = active
                try await live.startChat(tab: tab, chatID: chat.id)
            } else {
                // A reply to a pending invitation: the chat starts with the invitation's
                // message, from the inviting agent (starting the chat marks it Accepted).
                let invitation = live.entry(tab: tab)?.invitation.flatMap { $0.isPending ? $0 : nil }
                // The entry turns Chatting (an archived, hidden tab comes back as a new entry).
                let id = Identifier.make(prefix: "c_", length: 16)
                try await live.startChat(tab: tab, chatID: id)
                let entry = live.entry(tab: tab)
                chat = Chat(id: id, accountID: accountID, tab: tab, entryID: entry?.id ?? "", visitor: entry?.name ?? "Visitor", startedAt: now)
                try await store.createChat(chat)
                if let invitation {
                    opening = try await store.addMessage(ChatMessage(
                        chatID: id, author: .agent, agentID: invitation.agentID, text: invitation.message, at: min(invitation.sentAt, now)))
                }
            }
            var message = try await store.addMessage(
                ChatMessage(chatID: chat.id, author: .visitor, clientID: clientID, text: text, at: now))
            var messages = try await store.messages(chatID: chat.id)
            let shown = [opening, message].compactMap { $0 }.map(MessageView.init)
            if let opening { live.sendToTab(tab, TrackerReply(t: "message", message: MessageView(opening)).json) }
            if live.chatChanged(ChatSummary(chat: chat, messages: messages), messages: shown), message.state == .sent {
                // An agent's page received it: delivered (with any earlier ones still "sent").
                let delivered = try await store.advanceMessages(chatID: chat.id, author: .visitor, upTo: message.id, to: .delivered)
                if let latest = delivered.last {
                    message = latest
                    // Update the list in hand instead of reading the whole chat again.
                    let states = Dictionary(uniqueKeysWithValues: delivered.map { ($0.id, $0.state) })
                    for index in messages.indices { messages[index].state = states[messages[index].id] ?? messages[index].state }
                    live.chatChanged(ChatSummary(chat: chat, messages: messages), messages: delivered.map(MessageView.init))
                }
            }
            return .success(message)
        }
    }

    /// The tab's active chat and its messages.
    func history(accountID: String, tab: String) async throws -> (Chat?, [ChatMessage]) {
        guard let chat = try await store.activeChat(accountID: accountID, tab: tab) else { return (nil, []) }
        return (chat, try await store.messages(chatID: chat.id))
    }

    /// The visitor's widget received (`delivered`) or showed (`read`) agent messages.
    func visitorReceipt(accountID: String, live: LiveAccount, tab: String, upTo: Int64, state: ChatMessage.State) async throws {
        guard let chat = try await store.activeChat(accountID: accountID, tab: tab) else { return }
        let changed = try await store.advanceMessages(chatID: chat.id, author: .agent, upTo: upTo, to: state)
        guard !changed.isEmpty else { return }
        live.chatChanged(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)), messages: changed.map(MessageView.init))
    }

    // MARK: Agents

    /// The chat if it is active and belongs to the viewer's account; foreign and archived
    /// chats are "not found" alike.
    func activeChat(_ id: String, of account: Account) async throws -> Chat? {
        guard let chat = try await store.chat(id: id), chat.accountID == account.id, chat.status == .active else { return nil }
        return chat
    }

    /// An agent's reply: stored, sent to the visitor's tab, shown on every dashboard.
    func agentSays(_ chat: Chat, agentID: String, text raw: String) async throws -> Result<ChatMessage, Refusal> {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .failure(.empty) }
        guard text.count <= Self.maxCharacters else { return .failure(.tooLong) }
        let live = try await liveAccount(chat.accountID)
        let message = try await store.addMessage(ChatMessage(chatID: chat.id, author: .agent, agentID: agentID, text: text, at: clock.nowMillis()))
        live.chatChanged(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)), messages: [MessageView(message)])
        live.sendToTab(chat.tab, TrackerReply(t: "message", message: MessageView(message)).json)
        return .success(message)
    }

    /// An agent read the visitor's messages up to `upTo`.
    func agentRead(_ chat: Chat, upTo: Int64) async throws {
        let changed = try await store.advanceMessages(chatID: chat.id, author: .visitor, upTo: upTo, to: .read)
        guard !changed.isEmpty else { return }
        let live = try await liveAccount(chat.accountID)
        live.chatChanged(ChatSummary(chat: chat, messages: try await store.messages(chatID: chat.id)), messages: changed.map(MessageView.init))
        for message in changed {
            live.sendToTab(chat.tab, TrackerReply(t: "receipt", id: message.id, state: "read").json)
        }
    }

    /// Archives a chat: the entry leaves the map and frees its number; the visitor is told.
    func archive(_ chat: Chat) async throws {
        try await gate.run {
            try await store.archiveChat(id: chat.id, at: clock.nowMillis())
            let live = try await liveAccount(chat.accountID)
            live.archiveChat(chat.id, tab: chat.tab)
            live.sendToTab(chat.tab, #"{"t":"archived"}"#)
        }
    }

    private func liveAccount(_ accountID: String) async throws -> LiveAccount {
        if let loaded = live.loadedAccount(id: accountID) { return loaded }
        guard let account = try await store.account(id: accountID) else { throw StoreError.notFound("account") }
        return try await live.liveAccount(for: account)
    }

}
