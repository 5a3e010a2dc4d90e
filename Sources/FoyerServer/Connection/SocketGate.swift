import Foundation
import FoyerCore
import FoyerStore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Prometheus

/// Decides which WebSocket upgrades to accept and installs their handlers.
///
/// Tracker sockets (`/track`) and dashboard feeds (`/feed`) both become plain NIO
/// handlers on the upgraded channel, so the server holds no task per socket.
struct SocketGate: Sendable {
    let hub: LiveHub
    let store: any Store
    let chats: ChatService
    let authenticator: SessionAuthenticator
    let locator: any VisitorLocator
    let limiter: AddressLimiter
    let configuration: FoyerConfiguration
    let logger: Logger
    /// Shared by every tracker socket.
    let trackers: TrackerContext

    init(
        hub: LiveHub, store: any Store, chats: ChatService, authenticator: SessionAuthenticator, locator: any VisitorLocator, limiter: AddressLimiter,
        configuration: FoyerConfiguration, logger: Logger
    ) {
        self.hub = hub
        self.store = store
        self.chats = chats
        self.authenticator = authenticator
        self.locator = locator
        self.limiter = limiter
        self.configuration = configuration
        self.logger = logger
        trackers = TrackerContext(hub: hub, chats: chats, limiter: limiter, locator: locator, configuration: configuration, logger: logger)
    }

    /// Decides on an upgrade request at once, without leaving the event loop, when it
    /// can: a tracker of a known site key whose account is loaded (nearly every tab).
    /// Nil means ``decide(head:channel:)`` must ask the store.
    func decideNow(head: HTTPRequestHead, channel: any Channel) -> SocketDecision? {
        let (path, query) = Self.split(head.uri)
        guard path == "/track" else { return nil }
        guard let siteKey = Self.parameter("site", in: query), !siteKey.isEmpty else {
            return .refuse(.badRequest, "missing site parameter")
        }
        guard let account = hub.directory.cached(siteKey: siteKey), let live = hub.readyAccount(for: account) else { return nil }
        return admitTracker(head: head, account: account, live: live, peer: channel.remoteAddress?.ipAddress)
    }

    /// Decides on an upgrade request.
    func decide(head: HTTPRequestHead, channel: any Channel) async -> SocketDecision {
        let (path, query) = Self.split(head.uri)
        switch path {
        case "/track":
            return await decideTracker(head: head, query: query, peer: channel.remoteAddress?.ipAddress)
        case "/feed":
            // `watch=0`: a page that follows the feed for its header (Settings) and is not
            // where visitors are watched, so it does not wake the triggers.
            return await decideFeed(head: head, watches: Self.parameter("watch", in: query) != "0")
        default:
            return .refuse(.notFound, "no WebSocket endpoint at \(path)")
        }
    }

    private func decideTracker(head: HTTPRequestHead, query: Substring, peer: String?) async -> SocketDecision {
        guard let siteKey = Self.parameter("site", in: query), !siteKey.isEmpty else {
            return .refuse(.badRequest, "missing site parameter")
        }
        let account: Account?
        do {
            account = try await hub.directory.account(siteKey: siteKey)
        } catch {
            logger.error("looking up a site key failed: \(error)")
            return .refuse(.serviceUnavailable, "try again later")
        }
        guard let account else {
            hub.metrics.rejectedConnections.increment()
            return .refuse(.notFound, "unknown site key")
        }
        let live: LiveAccount
        do {
            live = try await hub.liveAccount(for: account)
        } catch {
            logger.error("loading account \(account.id) failed: \(error)")
            return .refuse(.serviceUnavailable, "try again later")
        }
        return admitTracker(head: head, account: account, live: live, peer: peer)
    }

    /// The checks every tracker passes once its account is known: origin and the
    /// per-address limits.
    private func admitTracker(head: HTTPRequestHead, account: Account, live: LiveAccount, peer: String?) -> SocketDecision {
        if !account.allowedOrigins.isEmpty {
            let origins = head.headers["origin"]
            guard !origins.isEmpty, origins.allSatisfy(account.allowedOrigins.contains) else {
                hub.metrics.rejectedConnections.increment()
                return .refuse(.forbidden, "origin not allowed for this site")
            }
        }
        let headers = head.headers.map { (name: $0.name.lowercased(), value: $0.value) }
        let client = locator.clientAddress(peer: peer, headers: headers) ?? peer ?? "unknown"
        guard limiter.acquire(client) else {
            hub.metrics.rejectedConnections.increment()
            return .refuse(.tooManyRequests, "too many connections from this address")
        }
        // Kept for the socket's life (a hello comes again when tracking is switched back
        // on): only what the locator reads, not the whole request.
        let locationHeaders = locator.locationHeaders(headers)
        return .tracker(
            TrackerSetup(
                context: trackers, live: live, clientAddress: client, peer: peer, locationHeaders: locationHeaders,
                device: head.headers.first(name: "user-agent").flatMap(UserAgentParser.parse)))
    }

    private func decideFeed(head: HTTPRequestHead, watches: Bool) async -> SocketDecision {
        // Browsers always send an Origin on WebSockets; only this server's own pages may
        // ride an agent's cookie (cross-site WebSocket hijacking). `null` (sandboxed frames,
        // file:// pages), file:// and extension origins are other sites too. A client
        // without an Origin, or with a ws(s):// one (WebSocket libraries send that; no
        // browser does), is not a browser page and must hold the cookie itself.
        let host = head.headers.first(name: "host") ?? ""
        for origin in head.headers["origin"] where !origin.hasPrefix("ws://") && !origin.hasPrefix("wss://") {
            guard origin == "http://" + host || origin == "https://" + host else {
                return .refuse(.forbidden, "origin not allowed")
            }
        }
        do {
            let cookie = head.headers["cookie"].joined(separator: "; ")
            guard let token = SessionAuthenticator.token(cookieHeader: cookie),
                let user = try await authenticator.user(token: token),
                let account = try await store.account(id: user.accountID)
            else {
                return .refuse(.unauthorized, "sign in first")
            }
            let viewer = FeedViewer(userID: user.id, sessionHash: SessionAuthenticator.hash(token), watches: watches)
            return .feed(try await hub.liveAccount(for: account), viewer)
        } catch {
            logger.error("authenticating a feed failed: \(error)")
            return .refuse(.serviceUnavailable, "try again later")
        }
    }

    /// Installs the socket's handlers after the upgrade response went out.
    func install(_ decision: SocketDecision, on channel: any Channel) throws {
        let pipeline = channel.pipeline.syncOperations
        switch decision {
        case .tracker(let setup):
            // The idle timeout (IdleSweeper), fragmented messages and frame reading are the
            // handler's own work: no timer, aggregator or decoder per socket. NIO's decoder
            // leaves first (its removal takes a loop turn), so it can never hand the
            // handler a decoded frame; a client may not send frames before it has the
            // 101 anyway (RFC 6455 4.1), and any it did are dropped with the decoder.
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            // NIO's upgrader left its frame encoder, which cannot be removed: it encodes.
            let handler = TrackerSocketHandler(setup: setup, encodesFrames: false)
            let limiter = self.limiter
            pipeline.removeHandler(context: decoder).assumeIsolated().whenComplete { result in
                do {
                    try result.get()
                    guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
                    try channel.pipeline.syncOperations.addHandler(handler)
                } catch {
                    // Closed meanwhile: the handler never held the place it was given.
                    limiter.release(setup.clientAddress)
                }
            }
        case .feed(let live, let viewer):
            try pipeline.addHandler(WebSocketProtocolErrorHandler())
            // Before the aggregator, which drops the masking keys of the frames it joins.
            try pipeline.addHandler(MaskedFramesOnly())
            try pipeline.addHandler(
                NIOWebSocketFrameAggregator(
                    minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 16, maxAccumulatedFrameSize: configuration.maxFrameBytes))
            let authenticator = self.authenticator
            let check = FeedSessionCheck(interval: .nanoseconds(Int64(configuration.feedSessionCheckSeconds * 1e9))) { sessionHash in
                try await authenticator.user(sessionHash: sessionHash) != nil
            }
            try pipeline.addHandler(
                FeedSocketHandler(
                    live: live, viewer: viewer, metrics: hub.metrics, maxQueuedBytes: configuration.maxFeedQueueBytes, sessionCheck: check))
        case .refuse:
            break
        }
    }

    /// Releases what a decision reserved when its upgrade did not happen.
    func abandon(_ decision: SocketDecision) {
        if case .tracker(let setup) = decision { limiter.release(setup.clientAddress) }
    }

    static func split(_ uri: String) -> (path: Substring, query: Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (Substring(uri), "") }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }

    static func parameter(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name) {
                guard parts.count == 2 else { return "" }
                // Site keys need no decoding; Foundation's decoder only when there is some.
                let value = String(parts[1])
                return value.contains("%") ? value.removingPercentEncoding ?? value : value
            }
        }
        return nil
    }
}
