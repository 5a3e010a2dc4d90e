import FoyerCore
import FoyerServer
import FoyerStore
import Testing

/// One client address cannot hold every place of an account (issue 19, item 2).
@Suite("Per-address share of places, over real sockets")
struct AddressShareTests {
    private static let ok = #"{"t":"ok","r":1}"#
    private static let wait = #"{"t":"wait","r":1}"#

    /// A tab from `source` that says hello; returns its socket and the server's reply.
    private func tab(_ number: Int, server: TestServer, siteKey: String, from source: String) async throws -> (RawSocket, String?) {
        let socket = try RawSocket(port: server.port, from: source)
        try socket.send(TrackerUpgradeTests.upgrade(siteKey: siteKey))
        #expect(try await socket.head().status == 101)
        try socket.send(TrackerUpgradeTests.helloFrame(tab: "tab-share-\(10_000 + number)"))
        return (socket, try await socket.nextText())
    }

    @Test func oneAddressHoldsItsShareAndAnotherStillAppears() async throws {
        // 20 places; one address may hold max(10, 10 % of 20) = 10 of them.
        let server = try await TestServer.start { $0.entryLimit = 20 }
        defer { Task { await server.stop() } }
        let (account, _) = try await server.makeAccount("shop")
        var held: [RawSocket] = []
        var replies: [String?] = []
        for number in 0..<14 {
            let (socket, reply) = try await tab(number, server: server, siteKey: account.siteKey, from: "127.0.0.2")
            held.append(socket)
            replies.append(reply)
        }
        #expect(replies == Array(repeating: Self.ok, count: 10) + Array(repeating: Self.wait, count: 4),
            "the first ten from one address are shown, the rest wait although places are free")
        let (other, reply) = try await tab(99, server: server, siteKey: account.siteKey, from: "127.0.0.1")
        #expect(reply == Self.ok, "a visitor from another address is shown at once")
        #expect(server.registry(of: account.id)?.shownEntries.count == 11)
        _ = other
    }
}
