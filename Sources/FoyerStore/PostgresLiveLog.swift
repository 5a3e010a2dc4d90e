import Logging
import PostgresNIO

/// ``LiveLog`` on PostgreSQL: batches in `live_log`, positions from a one-row counter
/// whose row lock orders commits, and `NOTIFY foyer_live` carrying each batch when it
/// fits (notices are limited to 8,000 bytes; longer ones carry only the position).
final class PostgresLiveLog: LiveLog {
    static let channel = "foyer_live"
    /// Session advisory lock held by the cluster's leader.
    static let leaderKey: Int64 = 0x666f_7965_72_4c // "foyerL"

    private let client: PostgresClient
    private let configuration: PostgresConfiguration
    private let logger: Logger

    init(client: PostgresClient, configuration: PostgresConfiguration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    func registerNode(address: String) async throws -> Int64 {
        let rows = try await run("INSERT INTO live_nodes (address, seen_at) VALUES (\(address), now()) RETURNING id")
        return try rows[0].decode(Int64.self)
    }

    func heartbeat(node: Int64, address: String) async throws {
        _ = try await run(
            """
            INSERT INTO live_nodes (id, address, seen_at) VALUES (\(node), \(address), now())
            ON CONFLICT (id) DO UPDATE SET seen_at = now()
            """)
    }

    func expireNodes(olderThanSeconds seconds: Int) async throws -> [Int64] {
        try await run("DELETE FROM live_nodes WHERE seen_at < now() - make_interval(secs => \(Double(seconds))) RETURNING id")
            .map { try $0.decode(Int64.self) }
    }

    func nodes() async throws -> [Int64] {
        try await run("SELECT id FROM live_nodes ORDER BY id").map { try $0.decode(Int64.self) }
    }

    func removeNode(_ node: Int64) async throws {
        _ = try await run("DELETE FROM live_nodes WHERE id = \(node)")
    }

    func append(node: Int64, batch: String, body: String) async throws -> Int64 {
        let rows = try await run("SELECT foyer_live_append(\(node), \(batch), \(body))")
        return try rows[0].decode(Int64.self)
    }

    func batches(after position: Int64, limit: Int) async throws -> [LiveLogBatch] {
        try await run("SELECT seq, node, body FROM live_log WHERE seq > \(position) ORDER BY seq LIMIT \(limit)").map { row in
            let (seq, node, body) = try row.decode((Int64, Int64, String).self)
            return LiveLogBatch(position: seq, node: node, body: body)
        }
    }

    func latestSnapshot() async throws -> LiveLogSnapshot? {
        try await runAlone("SELECT seq, body FROM live_snapshots ORDER BY seq DESC LIMIT 1").first.map { row in
            let (seq, body) = try row.decode((Int64, String).self)
            return LiveLogSnapshot(position: seq, body: body)
        }
    }

    func prune(before position: Int64) async throws {
        _ = try await run("DELETE FROM live_log WHERE seq <= \(position)")
        _ = try await run("DELETE FROM live_snapshots WHERE seq < \(position)")
    }

    func saveAccountSnapshots(_ snapshots: [AccountSnapshot]) async throws {
        guard !snapshots.isEmpty else { return }
        // Bodies can be large: on a connection of their own, in one statement.
        _ = try await runAlone(
            """
            INSERT INTO account_snapshots (account_id, position, body, at)
            SELECT account, position, body, now()
            FROM unnest(\(snapshots.map(\.account))::text[], \(snapshots.map(\.position))::bigint[], \(snapshots.map(\.body))::text[])
                AS given(account, position, body)
            ON CONFLICT (account_id) DO UPDATE SET position = EXCLUDED.position, body = EXCLUDED.body, at = EXCLUDED.at
                WHERE account_snapshots.position < EXCLUDED.position
            """)
    }

    func accountSnapshots() async throws -> [AccountSnapshot] {
        try await runAlone("SELECT account_id, position, body FROM account_snapshots ORDER BY account_id").map { row in
            let (account, position, body) = try row.decode((String, Int64, String).self)
            return AccountSnapshot(account: account, position: position, body: body)
        }
    }

    func accountSnapshotPositions() async throws -> [String: Int64] {
        var positions: [String: Int64] = [:]
        for row in try await run("SELECT account_id, position FROM account_snapshots") {
            let (account, position) = try row.decode((String, Int64).self)
            positions[account] = position
        }
        return positions
    }

    func bounds() async throws -> (first: Int64?, last: Int64) {
        let rows = try await run("SELECT (SELECT min(seq) FROM live_log), (SELECT seq FROM live_position)")
        let (first, last) = try rows[0].decode((Int64?, Int64).self)
        return (first, last)
    }

    func leaseRound(node: Int64, _ round: LeaseRound) async throws -> [AccountLease] {
        // Five parts, on disjoint rows: this node's leases it keeps (renewed, even one
        // that lapsed unclaimed: no one held it meanwhile) and those it releases (to no
        // owner, so its own next round does not renew them), the preferred accounts no one
        // holds now, others' leases lapsed long enough, and a lapsed placeholder for
        // accounts without a row, so they too can be adopted once a whole grace passed and
        // their preferred node never took them (a node of an older release, or one stuck).
        // The inserts skip rows that exist and are live: an insert's conflict check waits
        // for whoever is renewing that row, and two nodes' rounds waiting on each other's
        // renewals deadlocked.
        let rows = try await run(
            """
            WITH seen AS (
                INSERT INTO account_leases (account_id, owner_node, epoch, expires_at)
                SELECT account, 0, 0, now() FROM unnest(\(round.adopt)::text[]) AS account
                WHERE NOT EXISTS (SELECT 1 FROM account_leases known WHERE known.account_id = account)
                ON CONFLICT (account_id) DO NOTHING
            ), released AS (
                UPDATE account_leases SET owner_node = 0, expires_at = now()
                WHERE owner_node = \(node) AND account_id = ANY(\(round.release))
            ), renewed AS (
                UPDATE account_leases SET expires_at = now() + make_interval(secs => \(round.seconds))
                WHERE owner_node = \(node) AND NOT (account_id = ANY(\(round.release)))
                RETURNING account_id, epoch
            ), claimed AS (
                INSERT INTO account_leases (account_id, owner_node, epoch, expires_at)
                SELECT account, \(node), 1, now() + make_interval(secs => \(round.seconds)) FROM unnest(\(round.claim)::text[]) AS account
                -- never a row this node holds (the renewal above has it) or one still live
                WHERE NOT EXISTS (
                    SELECT 1 FROM account_leases held
                    WHERE held.account_id = account AND (held.owner_node = \(node) OR held.expires_at >= now()))
                ON CONFLICT (account_id) DO UPDATE
                    SET owner_node = EXCLUDED.owner_node, epoch = account_leases.epoch + 1, expires_at = EXCLUDED.expires_at
                    WHERE account_leases.owner_node <> EXCLUDED.owner_node AND account_leases.expires_at < now()
                RETURNING account_id, epoch
            ), adopted AS (
                UPDATE account_leases
                SET owner_node = \(node), epoch = epoch + 1, expires_at = now() + make_interval(secs => \(round.seconds))
                WHERE account_id = ANY(\(round.adopt)) AND NOT (account_id = ANY(\(round.claim))) AND owner_node <> \(node)
                    AND expires_at < now() - make_interval(secs => \(round.adoptAfterSeconds))
                RETURNING account_id, epoch
            )
            SELECT account_id, epoch FROM renewed
            UNION ALL SELECT account_id, epoch FROM claimed
            UNION ALL SELECT account_id, epoch FROM adopted
            """)
        return try rows.map { row in
            let (account, epoch) = try row.decode((String, Int64).self)
            return AccountLease(account: account, node: node, epoch: epoch)
        }
    }

    func leases() async throws -> [AccountLease] {
        try await run("SELECT account_id, owner_node, epoch FROM account_leases WHERE expires_at > now() ORDER BY account_id").map { row in
            let (account, node, epoch) = try row.decode((String, Int64, Int64).self)
            return AccountLease(account: account, node: node, epoch: epoch)
        }
    }

    func releaseLeases(node: Int64) async throws {
        _ = try await run("UPDATE account_leases SET owner_node = 0, expires_at = now() WHERE owner_node = \(node)")
    }

    func subscribe() async throws -> any LiveLogSubscription {
        do {
            let connection = try await PostgresConnection.connect(configuration: try configuration.connection, id: 1, logger: logger)
            return PostgresLiveLogSubscription(connection: connection, logger: logger)
        } catch {
            throw StoreError.unavailable("cannot connect to \(configuration.redacted): \(PostgresStore.describe(error))")
        }
    }

    /// Runs a query carrying a snapshot (tens of MB) on a connection of its own: a pooled
    /// connection would keep buffers of that size for the rest of its life.
    private func runAlone(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try configuration.connection, id: 2, logger: logger)
        } catch {
            throw StoreError.unavailable("cannot connect to \(configuration.redacted): \(PostgresStore.describe(error))")
        }
        do {
            let rows = try await connection.query(query, logger: logger).collect()
            try? await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw StoreError.unavailable(PostgresStore.describe(error))
        }
    }

    private func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await client.query(query, logger: logger).collect()
        } catch {
            throw StoreError.unavailable(PostgresStore.describe(error))
        }
    }
}

/// A node's own connection: listens for new batches and holds the leadership lock, so
/// a node that dies (and its connection with it) gives up leadership at once.
final class PostgresLiveLogSubscription: LiveLogSubscription {
    private let connection: PostgresConnection
    private let logger: Logger

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func run(listening: @Sendable () async -> Void, _ receive: @Sendable (LiveLogBatch) async -> Void) async throws {
        do {
            try await connection.listen(on: PostgresLiveLog.channel) { notices in
                await listening()
                for try await notice in notices {
                    guard let batch = Self.parse(notice.payload) else {
                        logger.warning("ignored a malformed live notice")
                        continue
                    }
                    await receive(batch)
                }
            }
        } catch {
            throw StoreError.unavailable(PostgresStore.describe(error))
        }
        throw StoreError.unavailable("the live notice connection closed")
    }

    func tryLead() async throws -> Bool {
        do {
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(PostgresLiveLog.leaderKey))", logger: logger).collect()
            return try rows.first?.decode(Bool.self) ?? false
        } catch {
            throw StoreError.unavailable(PostgresStore.describe(error))
        }
    }

    func close() async {
        try? await connection.close()
    }

    /// `position|node` or `position|node|body`.
    static func parse(_ payload: String) -> LiveLogBatch? {
        let parts = payload.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let position = Int64(parts[0]), let node = Int64(parts[1]) else { return nil }
        return LiveLogBatch(position: position, node: node, body: parts.count == 3 ? String(parts[2]) : nil)
    }
}
