import Foundation
import FoyerCore
import NIOCore
import NIOWebSocket
import Prometheus
import FoyerStore
import Logging

/// One browser tab's tracker socket, as plain NIO handlers: no task, no async channel per
/// idle socket, so an idle tab costs only its buffers and this object.
///
/// Frames are validated (UTF-8, JSON, fields, URL scheme, rate) and turned into registry
/// operations on the account's ``LiveAccount``.
final class TrackerSocketHandler: ChannelInboundHandler, RemovableChannelHandler, IdleSweeper.Member {
    /// Raw bytes: frames are read here (``TrackerFrameReader``), not by NIO's decoder.
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private enum State {
        case awaitingHello
        /// Hello received; waiting for the browser lookup. Later messages queue up.
        case greeting(tab: String, queued: [TrackerMessage])
        case active(tab: String)
        case closed
    }

    private let setup: TrackerSetup
    private let connection: ConnectionID
    private var state = State.awaitingHello
    private var bucket: RateBucket
    /// The last chat operation; the next one starts after it, so messages keep their order.
    private var chatTail: EventLoopFuture<Void>?
    /// Chat messages: one per second, a burst of five.
    private var chatBucket = RateBucket(rate: 1, burst: 5, nowNanos: Monotonic.nanoseconds())
    private var released = false
    /// Set once our close frame is on its way: exactly one per socket.
    private var closeSent = false
    private static let decoder = JSONDecoder()
    private static let maxQueued = 8
    /// A message may come in at most this many fragments, `maxMessageBytes` in all.
    private static let maxFragments = 16
    /// A fragmented message being received (nil nearly always).
    private var fragmented: FragmentedMessage?
    /// The start of a frame whose rest has not arrived (nil nearly always).
    private var unread: ByteBuffer?
    private(set) var idleDeadlineNanos: UInt64
    /// Set while the handler is in the pipeline (the idle sweeper closes through it).
    private var context: ChannelHandlerContext?
    private var sweeper: IdleSweeper?

    init(setup: TrackerSetup) {
        self.setup = setup
        connection = setup.hub.makeConnectionID()
        let now = Monotonic.nanoseconds()
        bucket = RateBucket(rate: setup.context.messagesPerSecond, burst: setup.context.messageBurst, nowNanos: now)
        idleDeadlineNanos = now + setup.context.idleTimeoutNanos
    }

    func handlerAdded(context: ChannelHandlerContext) {
        setup.hub.metrics.trackerSockets.increment()
        self.context = context
        let sweeper = IdleSweeper.on(context.eventLoop)
        sweeper.add(self)
        self.sweeper = sweeper
    }

    func idleTimedOut() {
        sweeper = nil
        guard let context else { return }
        close(context, code: 4002, reason: "idle timeout")
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        release()
        context.fireChannelInactive()
    }

    /// The tab's connection is over: its entry starts the disconnect grace.
    private func leave() {
        switch state {
        case .greeting(let tab, _), .active(let tab):
            setup.live.disconnect(tab: tab, connection: connection)
        case .awaitingHello, .closed:
            break
        }
        state = .closed
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
        self.context = nil
    }

    private func release() {
        sweeper?.remove(self)
        sweeper = nil
        guard !released else { return }
        released = true
        setup.context.limiter.release(setup.clientAddress)
        setup.hub.metrics.trackerSockets.decrement()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let request = event as? CloseRequest {
            close(context, code: request.code, reason: request.reason, lastMessage: request.lastMessage)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        idleDeadlineNanos = Monotonic.nanoseconds() &+ setup.context.idleTimeoutNanos
        var bytes = unwrapInboundIn(data)
        if var earlier = unread {
            unread = nil
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        while bytes.readableBytes > 0 {
            let frame: WebSocketFrame?
            do throws(TrackerFrameReader.Refusal) {
                frame = try TrackerFrameReader.next(from: &bytes, maxBytes: setup.context.maxMessageBytes)
            } catch {
                switch error {
                case .tooBig: close(context, code: 1009, reason: "message too big")
                case .badControlFrame: close(context, code: 1002, reason: "invalid control frame")
                }
                return
            }
            guard let frame else { break }
            receive(context, frame: frame)
        }
        // A copy, not a slice: a slice would keep the channel's whole receive buffer.
        if bytes.readableBytes > 0 { unread = ByteBuffer(bytes: bytes.readableBytesView) }
    }

    private func receive(_ context: ChannelHandlerContext, frame: WebSocketFrame) {
        switch frame.opcode {
        case .text, .binary, .continuation:
            do throws(FragmentedMessage.Refusal) {
                if let message = try join(frame) { handle(context, message) }
            } catch {
                switch error {
                case .tooBig: close(context, code: 1009, reason: "message too big")
                case .outOfSequence: close(context, code: 1002, reason: "fragments out of sequence")
                }
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            // The peer's close, or its answer to ours: answer only if we have not closed.
            if closeSent {
                context.close(promise: nil)
            } else {
                close(context, code: 1000, reason: "bye")
            }
        default:
            break
        }
    }

    /// A whole message: the frame itself, or the last fragment's message once all arrived.
    private func join(_ frame: WebSocketFrame) throws(FragmentedMessage.Refusal) -> WebSocketFrame? {
        if frame.opcode == .continuation {
            guard let message = fragmented else { throw .outOfSequence }
            fragmented = nil
            let whole = try message.append(frame)
            if whole == nil { fragmented = message }
            return whole
        }
        guard fragmented == nil else { throw .outOfSequence }
        if frame.fin { return frame }
        fragmented = try FragmentedMessage(first: frame, maxFragments: Self.maxFragments, maxBytes: setup.context.maxMessageBytes)
        return nil
    }

    private func handle(_ context: ChannelHandlerContext, _ message: WebSocketFrame) {
        if message.opcode == .text {
            receive(context, message)
        } else {
            close(context, code: 1003, reason: "binary frames are not accepted")
        }
    }

    private func receive(_ context: ChannelHandlerContext, _ frame: WebSocketFrame) {
        if case .closed = state { return }
        guard bucket.take(nowNanos: Monotonic.nanoseconds()) else {
            close(context, code: 1008, reason: "rate limit exceeded")
            return
        }
        let payload = frame.unmaskedData
        let bytes = payload.readableBytesView
        guard String(validating: bytes, as: UTF8.self) != nil else {
            close(context, code: 1007, reason: "invalid UTF-8")
            return
        }
        guard let message = try? Self.decoder.decode(TrackerMessage.self, from: Data(bytes)) else {
            close(context, code: 1007, reason: "invalid JSON")
            return
        }
        setup.hub.metrics.trackerEvents.increment()
        switch state {
        case .awaitingHello:
            guard message.t == "hello" else {
                close(context, code: 1008, reason: "hello expected")
                return
            }
            greet(context, message)
        case .greeting(let tab, var queued):
            guard queued.count < Self.maxQueued else {
                close(context, code: 1008, reason: "rate limit exceeded")
                return
            }
            queued.append(message)
            state = .greeting(tab: tab, queued: queued)
        case .active(let tab):
            apply(context, message, tab: tab)
        case .closed:
            break
        }
    }

    /// Validates a hello, looks the browser up, then starts or resumes the entry.
    private func greet(_ context: ChannelHandlerContext, _ message: TrackerMessage) {
        guard TrackerMessage.isIdentity(message.tab), let tab = message.tab else {
            close(context, code: 1008, reason: "invalid tab id")
            return
        }
        guard let url = message.url else {
            close(context, code: 1007, reason: "missing field url")
            return
        }
        guard case .success(let page) = URLSanitizer.sanitize(url) else {
            close(context, code: 1008, reason: "url must be http(s)")
            return
        }
        let timezone = TextLimits.timezone(message.tz ?? "")
        var hello = TabHello(
            tab: tab,
            url: page,
            title: TextLimits.clean(message.title ?? "", limit: TextLimits.maxTitleCharacters),
            referrer: URLSanitizer.referrer(message.ref ?? ""),
            language: TextLimits.language(message.lang ?? ""),
            timezone: timezone,
            location: setup.locate(timezone)
        )
        state = .greeting(tab: tab, queued: [])
        let startedAt = Monotonic.nanoseconds()
        let browserHash = TrackerMessage.isIdentity(message.vid) ? message.vid.map { setup.hub.browserHash($0, accountID: setup.accountID) } : nil
        // Resumed tabs and browsers without an id need no lookup.
        guard let browserHash, !setup.live.hasEntry(tab: tab) else {
            finishGreeting(context.channel, hello: hello, browserHash: nil, firstSeen: nil, startedAt: startedAt)
            return
        }
        let lookup = setup.hub.browsers.firstSeen(accountID: setup.accountID, browserHash: browserHash, on: context.eventLoop)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        lookup.whenComplete { result in
            let firstSeen = (try? result.get()) ?? nil
            hello.browserFirstSeen = firstSeen
            handler.value.finishGreeting(channel, hello: hello, browserHash: browserHash, firstSeen: firstSeen, startedAt: startedAt)
        }
    }

    private func finishGreeting(_ channel: any Channel, hello: TabHello, browserHash: String?, firstSeen: Int64?, startedAt: UInt64) {
        guard case .greeting(let tab, let queued) = state, channel.isActive else { return }
        if let browserHash, firstSeen == nil {
            setup.hub.writer.enqueue([.browserSeen(accountID: setup.accountID, browserHash: browserHash, at: setup.hub.clock.nowMillis())])
        }
        let link = TrackerLink(tab: tab, channel: channel)
        // The reply (ok, wait or off) goes out through the link once the hello is applied:
        // at once on a server alone, after the log's round trip in a cluster. Messages
        // after it are submitted in order behind it.
        setup.live.hello(hello, connection: connection, tracker: link, startedAtNanos: startedAt)
        state = .active(tab: tab)
        guard let context = try? channel.pipeline.syncOperations.context(handler: self) else { return }
        for message in queued { apply(context, message, tab: tab) }
    }

    private func apply(_ context: ChannelHandlerContext, _ message: TrackerMessage, tab: String) {
        let startedAt = Monotonic.nanoseconds()
        switch message.t {
        case "h":
            break
        case "page":
            guard let url = message.url else {
                close(context, code: 1007, reason: "missing field url")
                return
            }
            guard case .success(let page) = URLSanitizer.sanitize(url) else {
                close(context, code: 1008, reason: "url must be http(s)")
                return
            }
            let title = TextLimits.clean(message.title ?? "", limit: TextLimits.maxTitleCharacters)
            setup.live.navigate(tab: tab, url: page, title: title, startedAtNanos: startedAt)
        case "title":
            let title = TextLimits.clean(message.title ?? "", limit: TextLimits.maxTitleCharacters)
            setup.live.retitle(tab: tab, title: title, startedAtNanos: startedAt)
        case "say", "history", "seen", "got":
            chat(context.channel, message, tab: tab)
        case "hello":
            // Sent again after tracking was switched back on.
            guard message.tab == tab else {
                close(context, code: 1008, reason: "invalid tab id")
                return
            }
            greet(context, message)
        default:
            close(context, code: 1008, reason: "unknown message type")
        }
    }

    /// Chat messages: answered once stored (docs/PROTOCOL.md section 3), one after the
    /// other in the order the tab sent them.
    private func chat(_ channel: any Channel, _ message: TrackerMessage, tab: String) {
        let setup = self.setup
        let reply: @Sendable (TrackerReply) -> Void = { reply in
            channel.writeAndFlush(WebSocketFrame.text(Array(reply.json.utf8), allocator: channel.allocator), promise: nil)
        }
        let work: @Sendable () async -> Void
        switch message.t {
        case "say":
            guard TrackerMessage.isIdentity(message.cid), let cid = message.cid, let text = message.text else {
                channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: 1007, reason: "say needs cid and text", lastMessage: nil))
                return
            }
            guard chatBucket.take(nowNanos: Monotonic.nanoseconds()) else {
                reply(TrackerReply(t: "refused", cid: cid, reason: "too fast"))
                return
            }
            work = {
                do {
                    switch try await setup.context.chats.visitorSays(accountID: setup.accountID, live: setup.live, tab: tab, clientID: cid, text: text) {
                    case .success(let stored): reply(TrackerReply(t: "said", cid: cid, message: MessageView(stored)))
                    case .failure(let refusal): reply(TrackerReply(t: "refused", cid: cid, reason: refusal.rawValue))
                    }
                } catch {
                    setup.hub.logger.error("storing a visitor message failed: \(error)")
                    reply(TrackerReply(t: "refused", cid: cid, reason: "try again"))
                }
            }
        case "history":
            work = {
                guard let (chat, messages) = try? await setup.context.chats.history(accountID: setup.accountID, tab: tab) else { return }
                reply(TrackerReply(t: "history", chat: chat?.id, messages: messages.map(MessageView.init)))
            }
        default:
            guard let id = message.id else { return }
            let state: ChatMessage.State = message.t == "seen" ? .read : .delivered
            work = { try? await setup.context.chats.visitorReceipt(accountID: setup.accountID, live: setup.live, tab: tab, upTo: id, state: state) }
        }
        let loop = channel.eventLoop
        let previous = chatTail ?? loop.makeSucceededVoidFuture()
        chatTail = previous.flatMap {
            let promise = loop.makePromise(of: Void.self)
            promise.completeWithTask { await work() }
            return promise.futureResult
        }
    }

    private func close(_ context: ChannelHandlerContext, code: UInt16, reason: String, lastMessage: String? = nil) {
        guard !closeSent else { return }
        closeSent = true
        leave()
        context.channel.closeWebSocket(code: code, reason: reason, lastMessage: lastMessage)
    }
}
