import Foundation
import FoyerServer
import FoyerStore
import Testing

/// The tracker frames of the script API, activity and invitations, and what `ok`/`wait`
/// tell the tracker, over real sockets against a real server.
@Suite("Tracker frames over real sockets", .serialized)
struct TrackerFramesTests {
    @Test func okAndWaitCarryTheIdleTimeAndTheRememberSwitch() async throws {
        let server = try await TestServer.start {
            $0.idleAfterSeconds = 2
            $0.entryLimit = 1
        }
        let (account, _) = try await server.makeAccount("shop")
        let first = server.tracker(siteKey: account.siteKey)
        first.send(json: hello(tab: "tab-frames-001"))
        #expect(try await first.next() == #"{"t":"ok","idle":2000,"r":1}"#, "idle in milliseconds from --idle-after; browsers remembered by default")
        let second = server.tracker(siteKey: account.siteKey)
        second.send(json: hello(tab: "tab-frames-002"))
        #expect(try await second.next() == #"{"t":"wait","idle":2000,"r":1}"#, "a waiting tab learns the same")
        await server.stop()
    }

    @Test func scriptCommandsActivityAndInvitationFramesAreTakenAndOnlyUnknownCommandsAnswered() async throws {
        let server = try await TestServer.start()
        let (account, _) = try await server.makeAccount("shop")
        let tab = server.tracker(siteKey: account.siteKey)
        tab.send(json: hello(tab: "tab-frames-003"))
        #expect(try await tab.next() == trackerOK)
        for frame in [
            #"{"t":"api","c":"identify","a":{"id":"u-1","name":"Ada","email":"ada@example.com"}}"#,
            #"{"t":"api","c":"set","a":{"plan":"pro","seats":3,"trial":false}}"#,
            #"{"t":"api","c":"track","a":"signed-up"}"#,
            #"{"t":"vid","vid":"browser-0009"}"#,
            #"{"t":"idle"}"#,
            #"{"t":"active"}"#,
            #"{"t":"invite-seen","inv":"inv-0001"}"#,
            #"{"t":"invite-dismiss","inv":"inv-0001"}"#,
            #"{"t":"api","c":"dance","a":{}}"#,
        ] { tab.send(frame) }
        // The frames are handled in order: the first answer is the unknown command's,
        // so none before it answered or closed the socket.
        let refused = try #require(try await tab.nextJSON())
        #expect(refused as NSDictionary == ["t": "refused", "reason": "unknown command (identify, set or track)", "c": "dance"] as NSDictionary)
        let metrics = try await RawHTTP.request(port: server.port, path: "/metrics").body
        for (type, count) in [("api", 4), ("vid", 1), ("activity", 2), ("invitation", 2)] {
            #expect(metrics.contains(#"foyer_tracker_frames_total{type="\#(type)"} \#(count)"#), "\(type) frames counted")
        }
        tab.send(#"{"t":"api","a":"x"}"#)
        #expect(try await tab.closed() == (1007, "missing field c"))
        await server.stop()
    }
}
