import NIOCore

/// One simulated browser tab on its tracker socket, speaking the wire protocol itself:
/// sends a browser's upgrade request, checks the 101 and its accept value, greets with
/// `hello`, sends a heartbeat like `foyer.js` (every 25 s, from a random phase) and page
/// changes when the pacer asks, all as masked frames.
///
/// No HTTP codec, upgrade handler or frame codec per socket: with 19,000 of them opened
/// as fast as the server takes them, the generator's own cost per tab must stay small
/// beside the server's, on the same two cores.
final class TrackerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The server's answer to `hello`.
    enum Greeting: String, Sendable, CaseIterable {
        case ok, wait, off
    }

    /// How an attempt ended, reported once.
    enum Outcome: Sendable {
        case greeted(Greeting)
        /// The server answered with this HTTP status instead of 101 (0: closed without one).
        case refused(UInt)
        case failed(String)
    }

    /// What every tab of a run sends alike.
    struct Script: Sendable {
        /// The upgrade request, headers as a browser sends them.
        let request: ByteBuffer
        /// The `Sec-WebSocket-Accept` value the 101 must carry, after its colon.
        let acceptLine: String
    }

    private enum State {
        case upgrading
        case open
        case closed
    }

    private let script: Script
    private let hello: String
    private let counters: TrackerCounters
    private var report: ((Outcome, TrackerHandler) -> Void)?
    private var state = State.upgrading
    private var unread: ByteBuffer?
    private let ring: HeartbeatRing
    /// The socket, once upgraded.
    private(set) var channel: (any Channel)?
    private var mask: UInt32

    init(
        script: Script, hello: String, ring: HeartbeatRing, counters: TrackerCounters, report: @escaping (Outcome, TrackerHandler) -> Void
    ) {
        self.script = script
        self.ring = ring
        self.hello = hello
        self.counters = counters
        self.report = report
        mask = UInt32.random(in: 1 ... .max)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(script.request), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var earlier = unread {
            unread = nil
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        if case .upgrading = state {
            let end: Int? = bytes.withUnsafeReadableBytes { raw in
                guard raw.count >= 4 else { return nil }
                for index in 0...(raw.count - 4) where raw[index] == 13 && raw[index + 1] == 10 && raw[index + 2] == 13 && raw[index + 3] == 10 {
                    return index
                }
                return nil
            }
            guard let end, let head = bytes.readString(length: end) else {
                unread = bytes
                return
            }
            bytes.moveReaderIndex(forwardBy: 4)
            guard head.hasPrefix("HTTP/1.1 101 ") else {
                let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { UInt($0) } ?? 0
                finish(.refused(status))
                context.close(promise: nil)
                return
            }
            guard head.split(separator: "\r\n").contains(where: { $0.hasSuffix(script.acceptLine) }) else {
                finish(.failed("wrong Sec-WebSocket-Accept"))
                context.close(promise: nil)
                return
            }
            state = .open
            start(context.channel)
        }
        readFrames(context, &bytes)
        if bytes.readableBytes > 0 { unread = ByteBuffer(bytes: bytes.readableBytesView) }
    }

    /// Reads the server's frames (unmasked, never fragmented by Foyer).
    private func readFrames(_ context: ChannelHandlerContext, _ bytes: inout ByteBuffer) {
        while case .open = state, bytes.readableBytes >= 2 {
            let view = bytes.readableBytesView
            let first = view[view.startIndex]
            let short = Int(view[view.startIndex + 1] & 0x7F)
            var headerLength = 2
            var length = short
            if short == 126 {
                guard let value = bytes.getInteger(at: bytes.readerIndex + 2, as: UInt16.self) else { return }
                headerLength = 4
                length = Int(value)
            } else if short == 127 {
                guard let value = bytes.getInteger(at: bytes.readerIndex + 2, as: UInt64.self) else { return }
                headerLength = 10
                length = Int(value)
            }
            guard bytes.readableBytes >= headerLength + length else { return }
            bytes.moveReaderIndex(forwardBy: headerLength)
            let payload = bytes.readSlice(length: length)!
            switch first & 0x0F {
            case 0x1:
                if report != nil, let answer = Self.greeting(payload) { finish(.greeted(answer)) }
            case 0x8:
                counters.serverClosed()
                context.close(promise: nil)
                return
            default:
                break
            }
        }
    }

    /// The answer to `hello` in a text message (`{"t":"ok"}`), if it is one.
    private static func greeting(_ payload: ByteBuffer) -> Greeting? {
        guard payload.readableBytes <= 20 else { return nil }
        switch String(buffer: payload) {
        case #"{"t":"ok","r":1}"#, #"{"t":"ok","r":0}"#, #"{"t":"ok"}"#: return .ok
        case #"{"t":"wait","r":1}"#, #"{"t":"wait","r":0}"#, #"{"t":"wait"}"#: return .wait
        case #"{"t":"off"}"#: return .off
        default: return nil
        }
    }

    /// Greets the server and joins the heartbeat.
    private func start(_ channel: any Channel) {
        self.channel = channel
        send(hello, on: channel)
        ring.join(self)
    }

    /// Sends a heartbeat; false once the socket is closed.
    func heartbeat() -> Bool {
        guard let channel else { return false }
        send(#"{"t":"h"}"#, on: channel)
        counters.heartbeatSent()
        return true
    }

    private func finish(_ outcome: Outcome) {
        guard let report else { return }
        self.report = nil
        report(outcome, self)
    }

    func channelInactive(context: ChannelHandlerContext) {
        channel = nil
        switch state {
        case .upgrading: finish(.refused(0))
        case .open:
            counters.socketClosed()
            finish(.failed(LoadError.closedBeforeGreeting.description))
        case .closed: break
        }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Sends a page change; the send time is taken here, on the socket's event loop, just
    /// before the write.
    func sendPage(seq: Int) {
        guard let channel else {
            counters.pageOnClosedSocket()
            return
        }
        let url = PageMarker.url(seq: seq, sentNanos: Monotonic.nanoseconds())
        send(#"{"t":"page","url":"\#(url)","title":"Page \#(seq)"}"#, on: channel)
    }

    /// Sends a masked text frame (clients must mask; a fresh key per frame).
    private func send(_ text: String, on channel: any Channel) {
        let payload = Array(text.utf8)
        var frame = channel.allocator.buffer(capacity: payload.count + 8)
        frame.writeInteger(UInt8(0x81))
        if payload.count < 126 {
            frame.writeInteger(UInt8(0x80 | payload.count))
        } else {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(payload.count))
        }
        // xorshift32: a new masking key per frame without a system call.
        mask ^= mask << 13
        mask ^= mask >> 17
        mask ^= mask << 5
        let key = withUnsafeBytes(of: mask.bigEndian) { Array($0) }
        frame.writeBytes(key)
        for (index, byte) in payload.enumerated() { frame.writeInteger(byte ^ key[index & 3]) }
        channel.writeAndFlush(frame, promise: nil)
    }
}
