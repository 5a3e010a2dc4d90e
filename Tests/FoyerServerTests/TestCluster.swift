import Crypto
import Foundation
import FoyerCore
import FoyerServer
import FoyerTestSupport

/// Nodes of a cluster on one fresh PostgreSQL database, for the multi-node suites.
enum TestCluster {
    /// Starts `count` nodes on a fresh database, sharing one clock; a node silent for
    /// 2 s is declared gone.
    static func start(
        _ count: Int, clock: ManualClock = ManualClock(), configure: @escaping (inout FoyerConfiguration) -> Void = { _ in }
    ) async throws -> (ScratchDatabase, [TestServer]) {
        let database = try await ScratchDatabase.create()
        var nodes: [TestServer] = []
        for _ in 0..<count {
            nodes.append(try await addNode(to: database, clock: clock, configure: configure))
        }
        return (database, nodes)
    }

    /// Starts one more node on the cluster's database: silent for 2 s it is declared
    /// gone, and its account leases last 2 s.
    static func addNode(
        to database: ScratchDatabase, clock: ManualClock, configure: @escaping (inout FoyerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        try await TestServer.start(clock: clock, store: try await database.open()) { configuration in
            configuration.cluster.nodeExpirySeconds = 2
            configuration.cluster.leaseSeconds = 2
            configure(&configuration)
        }
    }

    /// What `read` returns once `done` holds of it, or after `within`: each node applies
    /// the log, renews leases and writes snapshots on its own schedule, so a test polls
    /// (every 100 ms) the state it waits for rather than sleeping a guessed time.
    static func eventually<T>(within: Duration = .seconds(20), _ read: () async throws -> T, until done: (T) -> Bool) async throws -> T {
        let deadline = ContinuousClock.now + within
        var value = try await read()
        while !done(value), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            value = try await read()
        }
        return value
    }

    /// Stops every node, then drops the database.
    static func stop(_ database: ScratchDatabase, _ nodes: [TestServer]) async {
        for node in nodes { await node.stop() }
        await database.drop()
    }
}

/// The `hash` a customer's server computes for `foyer('identify', …)`: hex HMAC-SHA256 of
/// the id keyed with the account's identity secret, written here without the server's code.
func identityHash(_ id: String, secret: String) -> String {
    HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
}
