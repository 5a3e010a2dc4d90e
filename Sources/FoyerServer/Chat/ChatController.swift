import FoyerCore
import FoyerStore
import Hummingbird
import HTTPTypes

/// The agents' side of chats: read a conversation, reply, mark read, archive. Any
/// member of the account may chat; other accounts' and archived chats are "not found".
struct ChatController {
    let authenticator: SessionAuthenticator
    let chats: ChatService

    struct Reply: Decodable { let text: String }
    struct Read: Decodable { let upTo: Int64 }
    struct Conversation: Encodable {
        let chat: ChatSummary
        let messages: [MessageView]
    }

    func add(to router: Router<FoyerRequestContext>) {
        router.get("/api/chats/:id/messages") { request, context in
            let chat = try await chat(request, context)
            let messages = try await chats.store.messages(chatID: chat.id)
            return try JSONResponse.value(Conversation(chat: ChatSummary(chat: chat, messages: messages), messages: messages.map(MessageView.init)))
        }
        router.post("/api/chats/:id/messages") { request, context in
            let viewer = try await Viewer.require(request, authenticator: authenticator)
            let chat = try await chat(request, context, viewer: viewer)
            guard let body = try? await request.decode(as: Reply.self, context: context) else {
                throw HTTPError(.badRequest, message: "send the reply as text")
            }
            switch try await chats.agentSays(chat, agentID: viewer.user.id, text: body.text) {
            case .success(let message):
                return try JSONResponse.value(["message": MessageView(message)], status: .created)
            case .failure(.tooLong):
                throw HTTPError(.badRequest, message: "a message has at most \(ChatService.maxCharacters) characters")
            case .failure(.empty):
                throw HTTPError(.badRequest, message: "the message is empty")
            case .failure(.blocked):
                // Only visitors' messages are refused for a block; kept for exhaustiveness.
                throw HTTPError(.conflict, message: "the visitor is blocked")
            }
        }
        router.post("/api/chats/:id/read") { request, context in
            let chat = try await chat(request, context)
            guard let body = try? await request.decode(as: Read.self, context: context) else {
                throw HTTPError(.badRequest, message: "send upTo, the last message id read")
            }
            try await chats.agentRead(chat, upTo: body.upTo)
            return Response(status: .noContent)
        }
        router.post("/api/chats/:id/archive") { request, context in
            try await chats.archive(try await chat(request, context))
            return Response(status: .noContent)
        }
    }

    private func chat(_ request: Request, _ context: FoyerRequestContext, viewer: Viewer? = nil) async throws -> Chat {
        let owner: Viewer
        if let viewer { owner = viewer } else { owner = try await Viewer.require(request, authenticator: authenticator) }
        guard let id = context.parameters.get("id"), let chat = try await chats.activeChat(id, of: owner.account) else {
            throw HTTPError(.notFound, message: "no such active chat")
        }
        return chat
    }
}
