import FoyerCore
import FoyerStore
import NIOCore
import NIOWebSocket
import Prometheus

/// Who the visitor is (issue 18): the script API's `api` frames and the late `vid`.
extension TrackerSocketHandler {
    /// Whether the account remembers returning visitors (Settings; on by default).
    var remembersVisitors: Bool { setup.hub.directory.cached(accountID: setup.accountID)?.rememberVisitors ?? true }

    /// Checks a script API command and applies it to the tab's entry, or answers
    /// `{"t":"refused","c":…,"reason":…}` and changes nothing.
    func api(_ context: ChannelHandlerContext, tab: String, command: String, argument: JSONValue?, startedAtNanos: UInt64) {
        setup.hub.metrics.trackerAPI.increment()
        switch ProfileCommand.read(command: command, argument: argument) {
        case .failure(let refusal):
            refuse(context, command: command, reason: refusal.reason)
        case .success(.identify(var identity, let sentID, let hash)):
            let secret = setup.hub.directory.cached(accountID: setup.accountID)?.identitySecret ?? ""
            identity.verified = hash.map { IdentityVerifier.isValid(hash: $0, id: sentID, secret: secret) } ?? false
            setup.live.identify(tab: tab, identity)
        case .success(.set(let attributes)):
            let current = setup.live.entry(tab: tab)?.profile ?? VisitorProfile()
            guard current.setting(attributes).attributes.count <= ProfileRules.maxAttributes else {
                refuse(context, command: command, reason: "too many attributes (max \(ProfileRules.maxAttributes))")
                return
            }
            setup.live.setAttributes(tab: tab, attributes)
        case .success(.track(let name)):
            setup.live.track(tab: tab, event: name)
        }
    }

    /// The tracker created a browser id after `ok` said `r:1`: the browser is recorded
    /// and the entry gets its visits. Ignored when the account does not remember
    /// visitors, and for an entry whose browser is known already.
    func browserID(_ context: ChannelHandlerContext, tab: String, id browserID: String, startedAtNanos: UInt64) {
        setup.hub.metrics.trackerBrowserIDs.increment()
        guard remembersVisitors, let entry = setup.live.entry(tab: tab), entry.visits == nil else { return }
        learn(setup.hub.hasher.browser(browserID, accountID: setup.accountID), tab: tab, context: context)
    }

    /// Looks a browser up, counts this visit and gives the tab's entry its browser and visits.
    func learn(_ browserHash: String, tab: String, context: ChannelHandlerContext) {
        let live = setup.live
        let lookup = setup.hub.browsers.visits(accountID: setup.accountID, browserHash: browserHash, on: context.eventLoop)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        lookup.whenComplete { result in
            let visits = handler.value.recordVisit(browserHash: browserHash, known: (try? result.get()) ?? nil)
            live.browserKnown(tab: tab, browser: browserHash, visits: visits)
        }
    }

    /// Counts this visit of a browser (a new one unless it was seen within 30 minutes),
    /// queues the record for the store and returns the count.
    func recordVisit(browserHash: String, known: BrowserVisits?) -> Int {
        let now = setup.hub.clock.nowMillis()
        let visits = known.map { now - $0.lastSeen >= BrowserVisits.visitGapMillis ? $0.visits + 1 : $0.visits } ?? 1
        setup.hub.writer.enqueue([.browserVisit(accountID: setup.accountID, browserHash: browserHash, visits: visits, at: now)])
        return visits
    }

    private func refuse(_ context: ChannelHandlerContext, command: String, reason: String) {
        // Written by hand so the keys keep their documented order.
        var reply = JSONWriter(capacity: 96)
        reply.raw(#"{"t":"refused","c":"#)
        reply.string(String(command.prefix(40)))
        reply.raw(#","reason":"#)
        reply.string(reason)
        reply.raw("}")
        send(context, WebSocketFrame.text(reply.bytes, allocator: context.channel.allocator))
    }
}
