import Foundation
import FoyerCore

/// What one tracker socket's messages mean, as a value with no I/O: the tab must greet
/// first; messages that arrive while its greeting is looked up wait (a few); every
/// message is checked and turned into an ``Action`` for the socket's handler to carry out.
/// Tested without sockets; the handler owns the frames, the sockets and the lookups.
struct TrackerSession {
    /// A message the tab may not send: the socket closes with this code and reason.
    struct Refusal: Error, Equatable {
        let code: UInt16
        let reason: String
    }

    /// A checked hello: the entry's starting point, and the browser id to look up.
    struct Greeting: Equatable {
        /// Everything but what the server adds (location, first visit).
        var hello: TabHello
        /// The browser's random id, if well formed (never stored as such).
        let browserID: String?
        /// The tab's id as the tracker keeps it: the one it sent, or one made here for a
        /// tab that had none (``issuedTab``), which the tracker must be told.
        let tabID: String
        let issuedTab: Bool
        /// Whether the hello had a `vid` at all (well formed or not): one to remove while
        /// the account does not remember browsers.
        var sentBrowserID = false
    }

    enum Action: Equatable {
        /// Nothing to do (a heartbeat, or a message queued behind the greeting).
        case none
        case greet(Greeting)
        case navigate(url: String, title: String)
        case retitle(String)
        /// A chat message for the chat relay (`say`, `history`, `seen`, `got`).
        case chat(TrackerMessage)
        /// A script command (`foyer('identify', …)`…), its argument unchecked: the
        /// command's own rules decide, and refuse without closing the socket.
        case api(command: String, argument: JSONValue?)
        /// A browser id sent late (`vid`), by trackers that made it themselves after `ok`
        /// said to remember the browser (before the server made the ids).
        case browserID(String)
        /// The tab turned inactive (`idle`) or active again (`active`).
        case activity(inactive: Bool)
        /// The widget showed the invitation (`invite-seen`) or the visitor dismissed it.
        case invitation(id: String, dismissed: Bool)
        case close(Refusal)
    }

    enum Phase: Equatable {
        case awaitingHello
        /// Hello received; waiting for the browser lookup. Later messages queue up.
        case greeting(tab: String, queued: [TrackerMessage])
        case active(tab: String)
        case closed
    }

    /// Most messages held while a greeting is looked up.
    static let maxQueued = 8

    /// Script commands (`api` frames) a socket may send outside the rate limit: the site's
    /// calls queued before foyer.js loaded all go at once after `ok` (one `set` per
    /// attribute is 30 frames), and charging them would close the socket and lose them.
    static let freeScriptCommands: UInt8 = 40

    private(set) var phase = Phase.awaitingHello
    private var bucket: RateBucket
    private var freeCommandsLeft = freeScriptCommands

    init(messagesPerSecond: Double, burst: Double, nowNanos: UInt64) {
        bucket = RateBucket(rate: messagesPerSecond, burst: burst, nowNanos: nowNanos)
    }

    // MARK: Receiving

    /// Charges one message to the rate limit; a refusal when it is spent. The first
    /// ``freeScriptCommands`` script commands of the socket are not charged.
    mutating func admit(nowNanos: UInt64, isScriptCommand: Bool = false) -> Refusal? {
        if isScriptCommand, freeCommandsLeft > 0 {
            freeCommandsLeft -= 1
            return nil
        }
        return bucket.take(nowNanos: nowNanos) ? nil : Refusal(code: 1008, reason: "rate limit exceeded")
    }

    /// Whether a frame's payload is a script command as foyer.js writes it (`t` first).
    /// Any other spelling is still read, and charged like every other message.
    static func isScriptCommand(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: scriptCommandPrefix)
    }

    private static let scriptCommandPrefix = Array(#"{"t":"api""#.utf8)

    /// Reads a text message's payload.
    static func decode(_ bytes: some Collection<UInt8>) -> Result<TrackerMessage, Refusal> {
        guard String(validating: bytes, as: UTF8.self) != nil else { return .failure(Refusal(code: 1007, reason: "invalid UTF-8")) }
        do {
            return .success(try decoder.decode(TrackerMessage.self, from: Data(bytes)))
        } catch is JSONValue.TooDeep {
            return .failure(Refusal(code: 1007, reason: "nested too deeply"))
        } catch {
            return .failure(Refusal(code: 1007, reason: "invalid JSON"))
        }
    }

    private static let decoder = JSONDecoder()

    /// What a decoded message means in the current phase. `tabKey` turns the tab's id,
    /// as the tracker sends it, into the key the server keeps instead (``IdentityHasher``):
    /// the session, its commands and the store only ever hold the key.
    /// A first `hello` without a tab id gets a new one from `makeID` (the tracker's first
    /// page in a tab).
    mutating func receive(_ message: TrackerMessage, tabKey: (String) -> String, makeID: () -> String = TrackerSession.makeID) -> Action {
        switch phase {
        case .awaitingHello:
            guard message.t == "hello" else { return close(1008, "hello expected") }
            return greet(message, tabKey: tabKey, makeID: makeID)
        case .greeting(let tab, var queued):
            guard queued.count < Self.maxQueued else { return close(1008, "rate limit exceeded") }
            queued.append(message)
            phase = .greeting(tab: tab, queued: queued)
            return .none
        case .active(let tab):
            return apply(message, tab: tab, tabKey: tabKey, makeID: makeID)
        case .closed:
            return .none
        }
    }

    /// The greeting's lookup is done: the session is active, and the messages that
    /// waited are returned to be received again, in order.
    mutating func greeted() -> [TrackerMessage] {
        guard case .greeting(let tab, let queued) = phase else { return [] }
        phase = .active(tab: tab)
        return queued
    }

    /// The socket is over; returns the tab whose entry must start its disconnect grace.
    mutating func leave() -> String? {
        defer { phase = .closed }
        switch phase {
        case .greeting(let tab, _), .active(let tab): return tab
        case .awaitingHello, .closed: return nil
        }
    }

    /// The tab's key, once it said hello.
    var tab: String? {
        switch phase {
        case .greeting(let tab, _), .active(let tab): tab
        case .awaitingHello, .closed: nil
        }
    }

    var isGreeting: Bool {
        if case .greeting = phase { return true }
        return false
    }

    // MARK: Checking

    /// A new random id for a tab or a browser: 22 characters of base 62, 130 bits.
    static func makeID() -> String { Identifier.make(length: 22) }

    private mutating func greet(_ message: TrackerMessage, tabKey: (String) -> String, makeID: () -> String) -> Action {
        let id: String
        switch message.tab {
        case .none: id = makeID()
        case .some(let sent) where TrackerMessage.isIdentity(sent): id = sent
        case .some: return close(1008, "invalid tab id")
        }
        let tab = tabKey(id)
        let url: String
        switch Self.page(message) {
        case .success(let page): url = page
        case .failure(let refusal): return close(refusal)
        }
        let hello = TabHello(
            tab: tab,
            url: url,
            title: Self.title(message),
            referrer: URLSanitizer.referrer(message.ref ?? ""),
            language: TextLimits.language(message.lang ?? ""),
            timezone: TextLimits.timezone(message.tz ?? ""),
            campaign: message.url.flatMap(Campaign.init(landingURL:)))
        phase = .greeting(tab: tab, queued: [])
        return .greet(Greeting(
            hello: hello, browserID: TrackerMessage.isIdentity(message.vid) ? message.vid : nil, tabID: id, issuedTab: message.tab == nil,
            sentBrowserID: !(message.vid ?? "").isEmpty))
    }

    private mutating func apply(_ message: TrackerMessage, tab: String, tabKey: (String) -> String, makeID: () -> String) -> Action {
        switch message.t {
        case "h":
            return .none
        case "page":
            switch Self.page(message) {
            case .success(let url): return .navigate(url: url, title: Self.title(message))
            case .failure(let refusal): return close(refusal)
            }
        case "title":
            return .retitle(Self.title(message))
        case "say", "history", "seen", "got":
            return .chat(message)
        case "api":
            guard let command = message.c else { return close(1007, "missing field c") }
            return .api(command: command, argument: message.a)
        case "vid":
            guard let id = message.vid else { return close(1007, "missing field vid") }
            guard TrackerMessage.isIdentity(id) else { return close(1008, "invalid browser id") }
            return .browserID(id)
        case "idle", "active":
            return .activity(inactive: message.t == "idle")
        case "invite-seen", "invite-dismiss":
            guard let id = message.inv else { return close(1007, "missing field inv") }
            return .invitation(id: id, dismissed: message.t == "invite-dismiss")
        case "hello":
            // Sent again after tracking was switched back on.
            guard let id = message.tab, tabKey(id) == tab else { return close(1008, "invalid tab id") }
            return greet(message, tabKey: tabKey, makeID: makeID)
        default:
            return close(1008, "unknown message type")
        }
    }

    /// The one URL check of hellos and navigations: present, http(s), sanitised.
    static func page(_ message: TrackerMessage) -> Result<String, Refusal> {
        guard let url = message.url else { return .failure(Refusal(code: 1007, reason: "missing field url")) }
        switch URLSanitizer.sanitize(url) {
        case .success(let page): return .success(page)
        case .failure(let failure): return .failure(Refusal(code: 1008, reason: failure.reason))
        }
    }

    private static func title(_ message: TrackerMessage) -> String {
        TextLimits.clean(message.title ?? "", limit: TextLimits.maxTitleCharacters)
    }

    /// A refusal; the handler closes the socket and then calls ``leave()``, which
    /// starts the tab's disconnect grace if it had greeted.
    private func close(_ code: UInt16, _ reason: String) -> Action {
        .close(Refusal(code: code, reason: reason))
    }

    private func close(_ refusal: Refusal) -> Action {
        .close(refusal)
    }
}
