import FoyerStore
import Logging
import NIOCore
import NIOWebSocket

/// A tracker socket's chat messages: stored, then answered (docs/PROTOCOL.md section 3),
/// one after the other in the order the tab sent them, at most one per second (a burst
/// of five) for the visitor's own messages.
///
/// A class made at a socket's first chat message, so the many tabs that never chat hold
/// one empty reference instead of its fields. Made later it is the same: its bucket
/// starts full, as an unused one made with the socket would be by then.
final class TrackerChatRelay {
    /// The last chat operation; the next one starts after it, so messages keep their order.
    private var tail: EventLoopFuture<Void>?
    private var bucket: RateBucket

    init(nowNanos: UInt64) {
        bucket = RateBucket(rate: 1, burst: 5, nowNanos: nowNanos)
    }

    /// Handles one chat message of `tab`; refusals that end the socket come back.
    /// `browser` is the tab's browser key, if it sent a browser id (blocks are checked by it).
    func relay(_ message: TrackerMessage, tab: String, browser: String?, setup: TrackerSetup, channel: any Channel) -> TrackerSession.Refusal? {
        let reply: @Sendable (TrackerReply) -> Void = { reply in
            channel.writeAndFlush(WebSocketFrame.text(Array(reply.json.utf8), allocator: channel.allocator), promise: nil)
        }
        let chats = setup.context.chats
        let (accountID, live, logger) = (setup.accountID, setup.live, setup.context.logger)
        let work: @Sendable () async -> Void
        switch message.t {
        case "say":
            guard TrackerMessage.isIdentity(message.cid), let cid = message.cid, let text = message.text else {
                return TrackerSession.Refusal(code: 1007, reason: "say needs cid and text")
            }
            guard bucket.take(nowNanos: Monotonic.nanoseconds()) else {
                reply(TrackerReply(t: "refused", cid: cid, reason: "too fast"))
                return nil
            }
            work = {
                do {
                    switch try await chats.visitorSays(accountID: accountID, live: live, tab: tab, browser: browser, clientID: cid, text: text) {
                    case .success(let stored): reply(TrackerReply(t: "said", cid: cid, message: MessageView(stored)))
                    case .failure(let refusal): reply(TrackerReply(t: "refused", cid: cid, reason: refusal.rawValue))
                    }
                } catch {
                    logger.error("storing a visitor message failed: \(error)")
                    reply(TrackerReply(t: "refused", cid: cid, reason: "try again"))
                }
            }
        case "history":
            work = {
                guard let (chat, messages) = try? await chats.history(accountID: accountID, tab: tab) else { return }
                reply(TrackerReply(t: "history", chat: chat?.id, messages: messages.map(MessageView.init)))
            }
        default:
            guard let id = message.id else { return nil }
            let state: ChatMessage.State = message.t == "seen" ? .read : .delivered
            work = { try? await chats.visitorReceipt(accountID: accountID, live: live, tab: tab, upTo: id, state: state) }
        }
        let loop = channel.eventLoop
        let previous = tail ?? loop.makeSucceededVoidFuture()
        tail = previous.flatMap {
            let promise = loop.makePromise(of: Void.self)
            promise.completeWithTask { await work() }
            return promise.futureResult
        }
        return nil
    }
}
