import FoyerCore
import Testing

@testable import FoyerServer

/// The tracker session decides what each message means, without sockets.
@Suite("Tracker session")
struct TrackerSessionTests {
    private static let tab = "tab-session-01"

    /// Stands in for the server's keyed hash of a tab id.
    private static func key(_ tabID: String) -> String { "t.key-" + tabID }

    private func session(rate: Double = 10, burst: Double = 20) -> TrackerSession {
        TrackerSession(messagesPerSecond: rate, burst: burst, nowNanos: 0)
    }

    private func message(_ json: String) throws -> TrackerMessage {
        try TrackerSession.decode(Array(json.utf8)).get()
    }

    private func hello(tab: String = tab, url: String = "https://shop.example/a?token=1#x", vid: String? = "browser-0001") throws -> TrackerMessage {
        let vidField = vid.map { #","vid":"\#($0)""# } ?? ""
        return try message(#"{"t":"hello","tab":"\#(tab)","url":"\#(url)","title":" Shoes\u0000 ","ref":"https://ref.example/p?q=1","lang":"tr-TR","tz":"Europe/Istanbul"\#(vidField)}"#)
    }

    @Test func theFirstMessageMustBeAHello() throws {
        var session = session()
        #expect(session.receive(try message(#"{"t":"page","url":"https://a.example/"}"#), tabKey: Self.key) == .close(.init(code: 1008, reason: "hello expected")))
        #expect(session.leave() == nil, "a socket that never greeted has no entry to leave")
    }

    @Test func aHelloIsCheckedAndSanitised() throws {
        var session = session()
        guard case .greet(let greeting) = session.receive(try hello(), tabKey: Self.key) else {
            Issue.record("a valid hello must greet")
            return
        }
        #expect(greeting.hello.tab == Self.key(Self.tab), "the hello carries the tab's key, never its id")
        #expect(greeting.hello.url == "https://shop.example/a", "query and fragment are stripped")
        #expect(greeting.hello.referrer == "https://ref.example/p")
        #expect(greeting.hello.title == " Shoes ", "control characters are dropped")
        #expect(greeting.hello.language == "tr-TR")
        #expect(greeting.hello.timezone == "Europe/Istanbul")
        #expect(greeting.browserID == "browser-0001")
        #expect(session.phase == .greeting(tab: Self.key(Self.tab), queued: []))
    }

    @Test func aFirstHelloWithoutATabIdIsGivenOne() throws {
        var session = session()
        let first = try message(#"{"t":"hello","url":"https://shop.example/","title":"Home"}"#)
        guard case .greet(let greeting) = session.receive(first, tabKey: Self.key, makeID: { "made-by-server-01" }) else {
            Issue.record("a hello without a tab id must greet")
            return
        }
        #expect(greeting.tabID == "made-by-server-01" && greeting.issuedTab, "the tracker must be told its new id")
        #expect(greeting.hello.tab == Self.key("made-by-server-01"))
        #expect(greeting.browserID == nil)
        var other = self.session()
        guard case .greet(let sent) = other.receive(try hello(), tabKey: Self.key, makeID: { "never-used-0001" }) else {
            Issue.record("a valid hello must greet")
            return
        }
        #expect(sent.tabID == Self.tab && !sent.issuedTab, "a tab's own id is kept")
        #expect(TrackerSession.makeID() != TrackerSession.makeID())
        #expect(TrackerMessage.isIdentity(TrackerSession.makeID()))
    }

    @Test func badHellosCloseWithPreciseReasons() throws {
        let cases: [(TrackerMessage, TrackerSession.Refusal)] = [
            (try hello(tab: "short"), .init(code: 1008, reason: "invalid tab id")),
            (try message(#"{"t":"hello","tab":"\#(Self.tab)"}"#), .init(code: 1007, reason: "missing field url")),
            (try hello(url: "javascript:alert(1)"), .init(code: 1008, reason: "url must be http(s)")),
            (try hello(url: "https://a.example/" + String(repeating: "p", count: 2100)), .init(code: 1008, reason: "url too long")),
        ]
        for (message, refusal) in cases {
            var session = session()
            #expect(session.receive(message, tabKey: Self.key) == .close(refusal))
        }
    }

    @Test func aMalformedBrowserIdIsIgnoredNotFatal() throws {
        var session = session()
        guard case .greet(let greeting) = session.receive(try hello(vid: "x"), tabKey: Self.key) else {
            Issue.record("the hello must still greet")
            return
        }
        #expect(greeting.browserID == nil)
    }

    @Test func messagesWaitBehindTheGreetingThenApplyInOrder() throws {
        var session = session()
        _ = session.receive(try hello(), tabKey: Self.key)
        let page = try message(#"{"t":"page","url":"https://shop.example/b#top","title":"B"}"#)
        let title = try message(#"{"t":"title","title":"B2"}"#)
        #expect(session.receive(page, tabKey: Self.key) == .none)
        #expect(session.receive(title, tabKey: Self.key) == .none)
        let queued = session.greeted()
        #expect(queued == [page, title])
        #expect(session.phase == .active(tab: Self.key(Self.tab)))
        #expect(queued.map { session.receive($0, tabKey: Self.key) } == [.navigate(url: "https://shop.example/b", title: "B"), .retitle("B2")])
    }

    @Test func tooManyWaitingMessagesClose() throws {
        var session = session()
        _ = session.receive(try hello(), tabKey: Self.key)
        let heartbeat = try message(#"{"t":"h"}"#)
        for _ in 0..<TrackerSession.maxQueued { #expect(session.receive(heartbeat, tabKey: Self.key) == .none) }
        #expect(session.receive(heartbeat, tabKey: Self.key) == .close(.init(code: 1008, reason: "rate limit exceeded")))
    }

    @Test func anActiveTabNavigatesChatsAndMayGreetAgainOnlyAsItself() throws {
        var session = session()
        _ = session.receive(try hello(), tabKey: Self.key)
        _ = session.greeted()
        #expect(session.receive(try message(#"{"t":"h"}"#), tabKey: Self.key) == .none)
        let say = try message(#"{"t":"say","cid":"cid-000001","text":"hi"}"#)
        #expect(session.receive(say, tabKey: Self.key) == .chat(say))
        #expect(session.receive(try message(#"{"t":"page","url":"ftp://a.example/"}"#), tabKey: Self.key) == .close(.init(code: 1008, reason: "url must be http(s)")))
        #expect(session.receive(try message(#"{"t":"dance"}"#), tabKey: Self.key) == .close(.init(code: 1008, reason: "unknown message type")))
        #expect(session.receive(try hello(tab: "tab-someone-else"), tabKey: Self.key) == .close(.init(code: 1008, reason: "invalid tab id")))
        guard case .greet = session.receive(try hello(), tabKey: Self.key) else {
            Issue.record("the same tab greets again after tracking is switched back on")
            return
        }
        #expect(session.leave() == Self.key(Self.tab), "leaving while greeting still starts the entry's grace")
        #expect(session.receive(try message(#"{"t":"h"}"#), tabKey: Self.key) == .none, "nothing happens after the session is over")
    }

    @Test func scriptActivityAndInvitationFramesBecomeTheirActions() throws {
        var session = session()
        _ = session.receive(try hello(), tabKey: Self.key)
        _ = session.greeted()
        let identify = try message(#"{"t":"api","c":"identify","a":{"id":"u-42","name":"Ada","verified":true,"n":1.5,"tags":["a",null]}}"#)
        #expect(session.receive(identify, tabKey: Self.key) == .api(command: "identify", argument: .object([
            "id": .string("u-42"), "name": .string("Ada"), "verified": .bool(true), "n": .number(1.5), "tags": .array([.string("a"), .null]),
        ])))
        #expect(session.receive(try message(#"{"t":"api","c":"track","a":"signed-up"}"#), tabKey: Self.key) == .api(command: "track", argument: .string("signed-up")))
        #expect(session.receive(try message(#"{"t":"api","c":"track"}"#), tabKey: Self.key) == .api(command: "track", argument: nil),
            "an absent argument is the command's to refuse, not the socket's")
        #expect(session.receive(try message(#"{"t":"api","c":"dance","a":1}"#), tabKey: Self.key) == .api(command: "dance", argument: .number(1)),
            "unknown commands are refused by the handler with a frame, the socket stays")
        #expect(session.receive(try message(#"{"t":"vid","vid":"browser-0002"}"#), tabKey: Self.key) == .browserID("browser-0002"))
        #expect(session.receive(try message(#"{"t":"idle"}"#), tabKey: Self.key) == .activity(inactive: true))
        #expect(session.receive(try message(#"{"t":"active"}"#), tabKey: Self.key) == .activity(inactive: false))
        #expect(session.receive(try message(#"{"t":"invite-seen","inv":"i-1"}"#), tabKey: Self.key) == .invitation(id: "i-1", dismissed: false))
        #expect(session.receive(try message(#"{"t":"invite-dismiss","inv":"i-1"}"#), tabKey: Self.key) == .invitation(id: "i-1", dismissed: true))
    }

    @Test func newFramesMissingTheirFieldCloseWithItsName() throws {
        let cases: [(String, TrackerSession.Refusal)] = [
            (#"{"t":"api","a":{"name":"Ada"}}"#, .init(code: 1007, reason: "missing field c")),
            (#"{"t":"vid"}"#, .init(code: 1007, reason: "missing field vid")),
            (#"{"t":"vid","vid":"short"}"#, .init(code: 1008, reason: "invalid browser id")),
            (#"{"t":"invite-seen"}"#, .init(code: 1007, reason: "missing field inv")),
            (#"{"t":"invite-dismiss","id":7}"#, .init(code: 1007, reason: "missing field inv")),
        ]
        for (json, refusal) in cases {
            var session = session()
            _ = session.receive(try hello(), tabKey: Self.key)
            _ = session.greeted()
            #expect(session.receive(try message(json), tabKey: Self.key) == .close(refusal), "\(json)")
        }
    }

    @Test func aCommandArgumentMayNestOnlyALittle() {
        // `a` is level 1; three more levels of arrays or objects are allowed, not four.
        let deepest = #"{"t":"api","c":"set","a":{"x":[{"y":1}]}}"#
        guard case .success(let message) = TrackerSession.decode(Array(deepest.utf8)) else {
            Issue.record("three levels inside the argument must decode")
            return
        }
        #expect(message.a == .object(["x": .array([.object(["y": .number(1)])])]))
        #expect(TrackerSession.decode(Array(#"{"t":"api","c":"set","a":{"x":[{"y":[1]}]}}"#.utf8)) == .failure(.init(code: 1007, reason: "nested too deeply")))
        let bomb = #"{"t":"api","c":"set","a":"# + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}"
        #expect(TrackerSession.decode(Array(bomb.utf8)) == .failure(.init(code: 1007, reason: "nested too deeply")))
        #expect(TrackerSession.decode(Array(#"{"t":"api","c":7}"#.utf8)) == .failure(.init(code: 1007, reason: "invalid JSON")), "c must be a string")
    }

    @Test func undecodableFramesAreRefused() {
        #expect(TrackerSession.decode([0xff, 0xfe]) == .failure(.init(code: 1007, reason: "invalid UTF-8")))
        #expect(TrackerSession.decode(Array("{not json".utf8)) == .failure(.init(code: 1007, reason: "invalid JSON")))
        #expect(TrackerSession.decode(Array(#"{"tab":"x"}"#.utf8)) == .failure(.init(code: 1007, reason: "invalid JSON")), "t is required")
    }

    @Test func theRateLimitAllowsABurstThenRefills() {
        var session = session(rate: 2, burst: 3)
        #expect((0..<3).map { _ in session.admit(nowNanos: 0) } == [nil, nil, nil])
        #expect(session.admit(nowNanos: 0) == .init(code: 1008, reason: "rate limit exceeded"))
        #expect(session.admit(nowNanos: 500_000_000) == nil, "half a second at 2/s refills one")
    }

    @Test func theSitesQueuedScriptCommandsGoThroughThenAreChargedLikeTheRest() {
        var session = session(rate: 2, burst: 3)
        let command = Array(#"{"t":"api","c":"set","a":{"plan":"gold"}}"#.utf8)
        #expect(TrackerSession.isScriptCommand(command))
        #expect(!TrackerSession.isScriptCommand(Array(#"{"c":"set","t":"api"}"#.utf8)), "another spelling is charged")
        #expect(!TrackerSession.isScriptCommand(Array(#"{"t":"page","url":"x"}"#.utf8)))
        let free = Int(TrackerSession.freeScriptCommands)
        #expect((0..<free).allSatisfy { _ in session.admit(nowNanos: 0, isScriptCommand: true) == nil }, "one set per attribute and more")
        #expect((0..<3).map { _ in session.admit(nowNanos: 0) } == [nil, nil, nil], "other messages keep their whole burst")
        #expect(session.admit(nowNanos: 0, isScriptCommand: true) == .init(code: 1008, reason: "rate limit exceeded"), "then commands are charged too")
    }
}
