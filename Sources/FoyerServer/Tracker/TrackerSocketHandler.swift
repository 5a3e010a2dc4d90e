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
/// This handler owns the socket: frames (``TrackerFrameReader``, ``FragmentedMessage``),
/// pings, closes and the idle timeout. What the messages mean is decided by the
/// ``TrackerSession`` (a value with no I/O); the handler carries out its actions on the
/// account's ``LiveAccount``, and hands chat messages to the ``TrackerChatRelay``.
final class TrackerSocketHandler: ChannelDuplexHandler, RemovableChannelHandler {
    /// Raw bytes: frames are read here (``TrackerFrameReader``), not by NIO's decoder.
    typealias InboundIn = ByteBuffer
    /// Frames written to the socket (``TrackerLink``, the chat relay, closes) are encoded
    /// here too (``TrackerFrameWriter``), not by NIO's encoder.
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    let setup: TrackerSetup
    private let connection: ConnectionID
    private(set) var session: TrackerSession
    /// Made at the first chat message (most tabs never chat).
    private var chats: TrackerChatRelay?
    private var released = false
    /// This socket's place in its loop's ``IdleSweeper`` (-1: not watched); set by the sweeper.
    var sweepSlot: Int32 = -1
    /// The browser's key (``IdentityHasher/browser(_:accountID:)``) once the tab greeted
    /// with a browser id: chat messages of a blocked browser are refused.
    private var browser: String?
    /// Set once our close frame is on its way: exactly one per socket.
    private var closeSent = false
    /// False behind NIO's encoder (the general upgrade path leaves one, which cannot be
    /// removed): frames then pass on as they are.
    private let encodesFrames: Bool
    /// The socket's reads: 512 bytes each, whatever came before. Tracker messages are
    /// small and a longer one is simply read in pieces, so the buffer an idle tab keeps
    /// never grows past 512; and a fixed-size allocator fits in the channel's option
    /// inline, where an adaptive one is a 56-byte box per socket (both measured with heaptrack).
    static let reads = FixedSizeRecvByteBufferAllocator(capacity: 512)
    /// A message may come in at most this many fragments, `maxMessageBytes` in all.
    private static let maxFragments = 16
    /// A partial frame or fragmented message between reads (nil nearly always).
    private var pending: PendingInput?
    /// A fragmented message being received (nil nearly always).
    private var fragmented: FragmentedMessage? {
        get { pending?.fragmented }
        set { if newValue != nil || pending != nil { updatePending { $0.fragmented = newValue } } }
    }
    /// The start of a frame whose rest has not arrived (nil nearly always).
    private var unread: ByteBuffer? {
        get { pending?.unread }
        set { if newValue != nil || pending != nil { updatePending { $0.unread = newValue } } }
    }
    /// `Monotonic.nanoseconds()` from which on the socket is idle, unless it hears from its peer.
    private(set) var idleDeadlineNanos: UInt64
    /// Set while the handler is in the pipeline (the idle sweeper closes through it).
    private var context: ChannelHandlerContext?
    private var sweeper: IdleSweeper?

    private func updatePending(_ change: (PendingInput) -> Void) {
        let box = pending ?? PendingInput()
        change(box)
        pending = box.isEmpty ? nil : box
    }

    init(setup: TrackerSetup, encodesFrames: Bool = true) {
        self.setup = setup
        self.encodesFrames = encodesFrames
        connection = setup.hub.connections.make()
        let now = Monotonic.nanoseconds()
        session = TrackerSession(messagesPerSecond: setup.context.messagesPerSecond, burst: setup.context.messageBurst, nowNanos: now)
        idleDeadlineNanos = now + setup.context.idleTimeoutNanos
    }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.reads)
        setup.hub.metrics.trackerSockets.increment()
        self.context = context
        let sweeper = IdleSweeper.on(context.eventLoop)
        sweeper.add(self)
        self.sweeper = sweeper
    }

    /// Called by the sweeper, on the loop, once the deadline has passed; it no longer watches this socket.
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
        if let tab = session.leave() { setup.live.disconnect(tab: tab, connection: connection) }
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
                case .unmasked: close(context, code: 1002, reason: "frames from clients must be masked")
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
            send(context, WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
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
        if case .closed = session.phase { return }
        let payload = frame.unmaskedData.readableBytesView
        if let refusal = session.admit(nowNanos: Monotonic.nanoseconds(), isScriptCommand: TrackerSession.isScriptCommand(payload)) {
            close(context, refusal)
            return
        }
        switch TrackerSession.decode(payload) {
        case .success(let message):
            setup.hub.metrics.trackerEvents.increment()
            act(context, session.receive(message, tabKey: tabKey))
        case .failure(let refusal):
            close(context, refusal)
        }
    }

    /// The key this server keeps instead of the tab's own id.
    private func tabKey(_ tabID: String) -> String { setup.hub.hasher.tab(tabID, accountID: setup.accountID) }

    /// Carries out what the session decided.
    private func act(_ context: ChannelHandlerContext, _ action: TrackerSession.Action) {
        let startedAt = Monotonic.nanoseconds()
        switch action {
        case .none:
            break
        case .greet(let greeting):
            greet(context, greeting)
        case .navigate(let url, let title):
            guard let tab = session.tab else { return }
            setup.live.navigate(tab: tab, url: url, title: title, startedAtNanos: startedAt)
        case .retitle(let title):
            guard let tab = session.tab else { return }
            setup.live.retitle(tab: tab, title: title, startedAtNanos: startedAt)
        case .chat(let message):
            guard let tab = session.tab else { return }
            let chats = self.chats ?? TrackerChatRelay(nowNanos: Monotonic.nanoseconds())
            self.chats = chats
            if let refusal = chats.relay(message, tab: tab, browser: browser, setup: setup, channel: context.channel) { close(context, refusal) }
        // One function per topic, each in its own file (TrackerSocketHandler+Topic.swift).
        case .api(let command, let argument):
            guard let tab = session.tab else { return }
            api(context, tab: tab, command: command, argument: argument, startedAtNanos: startedAt)
        case .browserID(let id):
            guard let tab = session.tab else { return }
            browserID(context, tab: tab, id: id, startedAtNanos: startedAt)
        case .activity(let inactive):
            guard let tab = session.tab else { return }
            activity(context, tab: tab, inactive: inactive, startedAtNanos: startedAt)
        case .invitation(let id, let dismissed):
            guard let tab = session.tab else { return }
            invitation(context, tab: tab, id: id, dismissed: dismissed, startedAtNanos: startedAt)
        case .close(let refusal):
            close(context, refusal)
        }
    }

    /// Tells the tracker the ids it is to keep (`id`, when they differ from what it sent),
    /// locates the visitor and looks the browser up, then starts or resumes the entry.
    /// When the account does not remember visitors the browser id is ignored (and the
    /// tracker told to drop it): no lookup, no record, never returning, no visits. While
    /// tracking is off no browser id is made and none is looked up.
    private func greet(_ context: ChannelHandlerContext, _ greeting: TrackerSession.Greeting) {
        var hello = greeting.hello
        hello.location = setup.locate(hello.timezone)
        hello.clientKey = setup.hub.hasher.client(setup.clientAddress, accountID: setup.accountID)
        hello.device = setup.device
        let startedAt = Monotonic.nanoseconds()
        let account = setup.hub.directory.cached(accountID: setup.accountID)
        let remembers = account?.rememberVisitors ?? true
        // While tracking is off nothing is recorded: no new browser id and no lookup (an
        // id the browser has stays there for when tracking is back on).
        // The applied state's switch, which decides `ok` or `off` (on other nodes of a
        // cluster the directory's copy of the account is refreshed a moment later).
        let tracking = setup.live.trackingEnabled
        // The browser id the tracker is to keep: its own while the account remembers
        // browsers, or a new one for a browser without (while tracked); none otherwise.
        let kept = remembers ? greeting.browserID ?? (tracking ? TrackerSession.makeID() : nil) : nil
        let made = kept != nil && kept != greeting.browserID
        if greeting.issuedTab || kept != greeting.browserID || (kept == nil && greeting.sentBrowserID) {
            send(context, WebSocketFrame.text(Array(Self.identities(tab: greeting.tabID, browser: kept).utf8), allocator: context.channel.allocator))
        }
        let browserHash = tracking ? kept.map { setup.hub.hasher.browser($0, accountID: setup.accountID) } : nil
        hello.browser = browserHash
        browser = browserHash
        guard let browserHash else {
            finishGreeting(context.channel, hello: hello, remembers: remembers, startedAt: startedAt)
            return
        }
        if let resumed = setup.live.entry(tab: hello.tab) {
            finishGreeting(context.channel, hello: hello, remembers: remembers, startedAt: startedAt)
            if resumed.browser == browserHash, let visits = resumed.visits {
                // Still here: the browser was seen now (a later tab within 30 minutes is the same visit).
                setup.hub.writer.enqueue([.browserVisit(accountID: setup.accountID, browserHash: browserHash, visits: visits, at: setup.hub.clock.nowMillis())])
            } else if made, resumed.browser == nil || resumed.visits == nil {
                // A browser id new to an entry without one (made just now): its first
                // visit, and the key a block of this visitor uses from now on. An entry
                // with a browser keeps it (a browser whose localStorage fails would
                // otherwise get a new one on every page).
                setup.live.browserKnown(tab: hello.tab, browser: browserHash, visits: recordVisit(browserHash: browserHash, known: nil))
            } else if resumed.browser != browserHash {
                // An id the entry did not have yet (Remember was switched on during the visit).
                learn(browserHash, tab: hello.tab, context: context)
            }
            return
        }
        // A browser id made just now has no record to look up: its first visit.
        guard !made else {
            hello.visits = recordVisit(browserHash: browserHash, known: nil)
            finishGreeting(context.channel, hello: hello, remembers: remembers, startedAt: startedAt)
            return
        }
        let lookup = setup.hub.browsers.visits(accountID: setup.accountID, browserHash: browserHash, on: context.eventLoop)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        lookup.whenComplete { result in
            let known = (try? result.get()) ?? nil
            let handler = handler.value
            hello.browserFirstSeen = known?.firstSeen
            hello.visits = handler.recordVisit(browserHash: browserHash, known: known)
            handler.finishGreeting(channel, hello: hello, remembers: remembers, startedAt: startedAt)
        }
    }

    /// `{"t":"id","tab":…,"vid":…}`: the ids the tracker keeps (no `vid`: remove it).
    static func identities(tab: String, browser: String?) -> String {
        // Both ids are checked or made here: [A-Za-z0-9_-] only, nothing to escape.
        #"{"t":"id","tab":"\#(tab)""# + (browser.map { #","vid":"\#($0)""# } ?? "") + "}"
    }

    private func finishGreeting(_ channel: any Channel, hello: TabHello, remembers: Bool, startedAt: UInt64) {
        guard session.isGreeting, session.tab == hello.tab, channel.isActive else { return }
        let link = TrackerLink(tab: hello.tab, channel: channel, remembers: remembers)
        // The reply (ok, wait or off) goes out through the link once the hello is applied:
        // at once on a server alone, after the log's round trip in a cluster. Messages
        // after it are submitted in order behind it.
        setup.live.hello(hello, connection: connection, tracker: link, startedAtNanos: startedAt)
        let queued = session.greeted()
        guard let context = try? channel.pipeline.syncOperations.context(handler: self) else { return }
        for message in queued { act(context, session.receive(message, tabKey: tabKey)) }
    }

    /// Sends one message to this tab.
    func reply(_ context: ChannelHandlerContext, _ reply: TrackerReply) {
        send(context, WebSocketFrame.text(Array(reply.json.utf8), allocator: context.channel.allocator))
    }

    /// Sends a frame of this handler's own: its writes start below ``write(context:data:promise:)``,
    /// so they are encoded here.
    func send(_ context: ChannelHandlerContext, _ frame: WebSocketFrame) {
        let out = encodesFrames ? wrapOutboundOut(TrackerFrameWriter.bytes(of: frame, allocator: context.channel.allocator)) : NIOAny(frame)
        context.writeAndFlush(out, promise: nil)
    }

    /// Frames written through the pipeline or the channel, on their way to the socket.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard encodesFrames else { return context.write(data, promise: promise) }
        let frame = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(TrackerFrameWriter.bytes(of: frame, allocator: context.channel.allocator)), promise: promise)
    }

    /// Closes the socket with the refusal's code and reason.
    func close(_ context: ChannelHandlerContext, _ refusal: TrackerSession.Refusal) {
        close(context, code: refusal.code, reason: refusal.reason)
    }

    private func close(_ context: ChannelHandlerContext, code: UInt16, reason: String, lastMessage: String? = nil) {
        guard !closeSent else { return }
        closeSent = true
        leave()
        context.channel.closeWebSocket(code: code, reason: reason, lastMessage: lastMessage)
    }
}
