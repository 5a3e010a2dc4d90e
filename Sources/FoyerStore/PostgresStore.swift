public import FoyerCore
import Foundation
public import Logging
import PostgresNIO

/// The scale-out store: one PostgreSQL database that several nodes can share.
///
/// Queries go through a `PostgresClient` connection pool. The store runs the pool itself
/// from ``open(_:logger:)`` until ``close()``, because its users (`foyer serve` and the
/// one-shot admin commands alike) hold a store from open to close, not a service group.
/// Team changes lock the account's row, so the last-owner rule holds across nodes too;
/// entry batches lock the accounts they touch, so concurrent batches never interleave.
public final class PostgresStore: Store {
    private let client: PostgresClient
    private let pool: Task<Void, Never>
    let logger: Logger
    public let configuration: PostgresConfiguration

    private init(configuration: PostgresConfiguration, client: PostgresClient, pool: Task<Void, Never>, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.pool = pool
        self.logger = logger
    }

    /// Connects to the database `url` names (`postgres://user:pass@host:port/db?sslmode=…`).
    public static func open(url: String, logger: Logger) async throws -> PostgresStore {
        try await open(PostgresConfiguration(url: url), logger: logger)
    }

    /// Connects to the database; fails at once, naming the server, if it cannot be reached.
    public static func open(_ configuration: PostgresConfiguration, logger: Logger) async throws -> PostgresStore {
        // The pool starts first (it is running by the time anything leases from it), then
        // one direct connection checks the server: the pool would retry a refused or
        // misconfigured server quietly, while an operator wants the reason now.
        let client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
        let pool = Task { await client.run() }
        do {
            let probe = try await PostgresConnection.connect(configuration: try configuration.connection, id: 0, logger: logger)
            try await probe.close()
        } catch {
            pool.cancel()
            await pool.value
            throw StoreError.unavailable("cannot connect to \(configuration.redacted): \(describe(error))")
        }
        return PostgresStore(configuration: configuration, client: client, pool: pool, logger: logger)
    }

    public func migrate() async throws {
        for migration in PostgresMigrations.all {
            do {
                try await transaction { connection in
                    // Nodes starting together queue here; each re-reads what is applied.
                    try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
                    try await connection.query(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)", logger: logger)
                    let applied = try await connection.query(
                        "SELECT 1 FROM schema_migrations WHERE version = \(migration.version)", logger: logger
                    ).collect()
                    guard applied.isEmpty else { return }
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (\(migration.version), \(Int64(Date().timeIntervalSince1970)))",
                        logger: logger)
                }
            } catch {
                throw StoreError.unavailable("migration \(migration.version) failed on \(configuration.redacted): \(Self.describe(error))")
            }
        }
    }

    // MARK: Accounts

    private static let accountColumns = "id, name, site_key, tracking_enabled, allowed_origins, created_at, identity_secret, remember_visitors, invitation_message"

    public func createAccount(name: String, siteKey: String, now: Int64) async throws -> Account {
        let account = Account(id: Identifier.make(prefix: "a_"), name: name, siteKey: siteKey, createdAt: now)
        do {
            try await run(
                """
                INSERT INTO accounts (id, name, site_key, tracking_enabled, allowed_origins, created_at)
                VALUES (\(account.id), \(name), \(siteKey), TRUE, '', \(now))
                """)
        } catch let error as StoreError where error == .duplicate("") {
            throw StoreError.duplicate("account \(name)")
        }
        return account
    }

    public func accounts() async throws -> [Account] {
        try await run("SELECT \(unescaped: Self.accountColumns) FROM accounts ORDER BY created_at, name").map(Self.account)
    }

    public func account(id: String) async throws -> Account? {
        try await run("SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE id = \(id)").first.map(Self.account)
    }

    public func account(name: String) async throws -> Account? {
        try await run("SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE name = \(name)").first.map(Self.account)
    }

    public func account(siteKey: String) async throws -> Account? {
        try await run("SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE site_key = \(siteKey)").first.map(Self.account)
    }

    public func updateAccount(_ account: Account) async throws {
        do {
            try await run(Self.accountUpdate(account))
        } catch let error as StoreError where error == .duplicate("") {
            throw StoreError.duplicate("account \(account.name)")
        }
    }

    public func changeAccount(id: String, _ change: @Sendable (inout Account) throws -> Void) async throws -> (previous: Account, current: Account)? {
        var result: (previous: Account, current: Account)?
        do {
            try await transaction { connection in
                result = nil  // the body runs again when PostgreSQL retries the transaction
                let rows = try await connection.query(
                    "SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE id = \(id) FOR UPDATE", logger: logger
                ).collect()
                guard let previous = try rows.first.map(Self.account) else { return }
                var account = previous
                try change(&account)
                try await connection.query(Self.accountUpdate(account), logger: logger)
                result = (previous, account)
            }
        } catch let error as StoreError where error == .duplicate("") {
            throw StoreError.duplicate("account")
        }
        return result
    }

    private static func accountUpdate(_ account: Account) -> PostgresQuery {
        """
        UPDATE accounts SET name = \(account.name), site_key = \(account.siteKey), tracking_enabled = \(account.trackingEnabled),
        allowed_origins = \(account.allowedOrigins.joined(separator: "\n")), identity_secret = \(account.identitySecret),
        remember_visitors = \(account.rememberVisitors), invitation_message = \(account.invitationMessage)
        WHERE id = \(account.id)
        """
    }

    private static func account(_ row: PostgresRow) throws -> Account {
        let (id, name, siteKey, tracking, origins, createdAt, secret, remember, invitationMessage) = try row.decode(
            (String, String, String, Bool, String, Int64, String, Bool, String?).self)
        return Account(
            id: id, name: name, siteKey: siteKey, trackingEnabled: tracking,
            allowedOrigins: origins.split(separator: "\n").map(String.init), createdAt: createdAt,
            identitySecret: secret, rememberVisitors: remember, invitationMessage: invitationMessage)
    }

    // MARK: Team

    private static let userColumns = "id, account_id, email, password_hash, role, created_at, display_name"

    public func createUser(accountID: String, email: String, passwordHash: String, role: Role, now: Int64) async throws -> User {
        let user = User(id: Identifier.make(prefix: "u_"), accountID: accountID, email: email.lowercased(), passwordHash: passwordHash, role: role, createdAt: now)
        do {
            try await run(
                """
                INSERT INTO users (id, account_id, email, password_hash, role, created_at)
                VALUES (\(user.id), \(accountID), \(user.email), \(passwordHash), \(role.rawValue), \(now))
                """)
        } catch let error as StoreError where error == .duplicate("") {
            throw StoreError.duplicate("user \(user.email)")
        }
        return user
    }

    public func user(id: String) async throws -> User? {
        try await run("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)").first.map(Self.user)
    }

    public func user(email: String) async throws -> User? {
        try await run("SELECT \(unescaped: Self.userColumns) FROM users WHERE email = \(email.lowercased())").first.map(Self.user)
    }

    public func users(accountID: String) async throws -> [User] {
        try await run("SELECT \(unescaped: Self.userColumns) FROM users WHERE account_id = \(accountID) ORDER BY created_at, id").map(Self.user)
    }

    public func updateRole(userID: String, role: Role) async throws {
        try await changeTeam(userID: userID) { connection, user in
            try await connection.query("UPDATE users SET role = \(role.rawValue) WHERE id = \(user.id)", logger: self.logger)
        }
    }

    public func deleteUser(id: String) async throws {
        try await changeTeam(userID: id) { connection, user in
            try await connection.query("DELETE FROM sessions WHERE user_id = \(user.id)", logger: self.logger)
            try await connection.query("DELETE FROM users WHERE id = \(user.id)", logger: self.logger)
        }
    }

    /// Runs a team change in one transaction holding the account's row lock, and rolls it
    /// back if the account would be left without an owner. The lock matters here: under
    /// READ COMMITTED two demotions would each still see the other's owner and both commit.
    private func changeTeam(userID: String, _ change: (PostgresConnection, User) async throws -> Void) async throws {
        try await transaction { connection in
            guard
                let accountID = try await connection.query("SELECT account_id FROM users WHERE id = \(userID)", logger: logger)
                    .collect().first?.decode(String.self)
            else { throw StoreError.notFound("user") }
            try await connection.query("SELECT id FROM accounts WHERE id = \(accountID) FOR UPDATE", logger: logger)
            // Read again under the lock: another node may have changed or removed the user.
            guard
                let user = try await connection.query("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(userID)", logger: logger)
                    .collect().first.map(Self.user)
            else { throw StoreError.notFound("user") }
            try await change(connection, user)
            let owners = try await connection.query(
                "SELECT COUNT(*) FROM users WHERE account_id = \(user.accountID) AND role = 'owner'", logger: logger
            ).collect().first?.decode(Int64.self) ?? 0
            guard owners > 0 else { throw StoreError.invalid("an account keeps at least one owner") }
        }
    }

    public func createSetupToken(accountID: String, tokenHash: String, expiresAt: Int64) async throws {
        try await run("INSERT INTO setup_tokens (token_hash, account_id, expires_at) VALUES (\(tokenHash), \(accountID), \(expiresAt))")
    }

    public func consumeSetupToken(tokenHash: String, now: Int64) async throws -> String? {
        // One DELETE: of two nodes using the same link at once, only one gets the row.
        guard let row = try await run("DELETE FROM setup_tokens WHERE token_hash = \(tokenHash) RETURNING account_id, expires_at").first else {
            return nil
        }
        let (accountID, expiresAt) = try row.decode((String, Int64).self)
        return expiresAt > now ? accountID : nil
    }

    public func setDisplayName(userID: String, _ name: String?) async throws {
        try await run("UPDATE users SET display_name = \(name) WHERE id = \(userID)")
    }

    private static func user(_ row: PostgresRow) throws -> User {
        let (id, accountID, email, passwordHash, role, createdAt, displayName) = try row.decode(
            (String, String, String, String, String, Int64, String?).self)
        return User(
            id: id, accountID: accountID, email: email, passwordHash: passwordHash, role: Role(rawValue: role) ?? .agent,
            createdAt: createdAt, displayName: displayName)
    }

    // MARK: Sessions

    public func createSession(_ session: Session) async throws {
        try await run(
            """
            INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)
            VALUES (\(session.tokenHash), \(session.userID), \(session.createdAt), \(session.lastSeenAt))
            """)
    }

    public func session(tokenHash: String) async throws -> Session? {
        try await run("SELECT token_hash, user_id, created_at, last_seen_at FROM sessions WHERE token_hash = \(tokenHash)").first.map { row in
            let (tokenHash, userID, createdAt, lastSeenAt) = try row.decode((String, String, Int64, Int64).self)
            return Session(tokenHash: tokenHash, userID: userID, createdAt: createdAt, lastSeenAt: lastSeenAt)
        }
    }

    public func touchSession(tokenHash: String, at: Int64) async throws {
        try await run("UPDATE sessions SET last_seen_at = \(at) WHERE token_hash = \(tokenHash)")
    }

    public func deleteSession(tokenHash: String) async throws {
        try await run("DELETE FROM sessions WHERE token_hash = \(tokenHash)")
    }

    public func deleteSessions(idleSince: Int64) async throws {
        try await run("DELETE FROM sessions WHERE last_seen_at < \(idleSince)")
    }

    // MARK: Visitors

    public func browserFirstSeen(accountID: String, browserHash: String) async throws -> Int64? {
        try await run("SELECT first_seen FROM browsers WHERE account_id = \(accountID) AND browser_hash = \(browserHash)")
            .first?.decode(Int64.self)
    }

    public func browserVisits(accountID: String, browserHashes: [String]) async throws -> [String: BrowserVisits] {
        guard !browserHashes.isEmpty else { return [:] }
        var found: [String: BrowserVisits] = [:]
        let rows = try await run(
            """
            SELECT browser_hash, first_seen, COALESCE(last_seen, first_seen), visits FROM browsers
            WHERE account_id = \(accountID) AND browser_hash = ANY(\(browserHashes))
            """)
        for row in rows {
            let (hash, first, last, visits) = try row.decode((String, Int64, Int64, Int32).self)
            found[hash] = BrowserVisits(firstSeen: first, lastSeen: last, visits: Int(visits))
        }
        return found
    }

    public func entries(accountID: String) async throws -> [Entry] {
        let decoder = JSONDecoder()
        return try await run("SELECT data FROM entries WHERE account_id = \(accountID) ORDER BY id").map { row in
            try decoder.decode(Entry.self, from: Data(try row.decode(String.self).utf8))
        }
    }

    public func apply(_ changes: [EntryChange]) async throws {
        guard !changes.isEmpty else { return }
        let accounts = Set(changes.map(Self.accountID)).sorted()
        try await transaction { connection in
            // Batches touching the same accounts (from this node or another) run one after
            // the other; taking the locks in sorted order means two batches never deadlock.
            for accountID in accounts {
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresMigrations.entriesLockSpace), hashtext(\(accountID)))", logger: logger)
            }
            for change in changes {
                switch change {
                case .save(let accountID, let entry):
                    let json = EntryRecordJSON.encode(entry)
                    try await connection.query(
                        """
                        INSERT INTO entries (account_id, id, data) VALUES (\(accountID), \(entry.id), \(json))
                        ON CONFLICT (account_id, id) DO UPDATE SET data = EXCLUDED.data
                        """, logger: logger)
                case .delete(let accountID, let entryID):
                    try await connection.query("DELETE FROM entries WHERE account_id = \(accountID) AND id = \(entryID)", logger: logger)
                case .browserSeen(let accountID, let hash, let at):
                    try await connection.query(
                        "INSERT INTO browsers (account_id, browser_hash, first_seen) VALUES (\(accountID), \(hash), \(at)) ON CONFLICT DO NOTHING",
                        logger: logger)
                case .browserVisit(let accountID, let hash, let visits, let at):
                    try await connection.query(
                        """
                        INSERT INTO browsers (account_id, browser_hash, first_seen, last_seen, visits)
                        VALUES (\(accountID), \(hash), \(at), \(at), \(visits))
                        ON CONFLICT (account_id, browser_hash) DO UPDATE SET last_seen = EXCLUDED.last_seen,
                        visits = GREATEST(browsers.visits, EXCLUDED.visits)
                        """,
                        logger: logger)
                case .clear(let accountID):
                    try await connection.query("DELETE FROM entries WHERE account_id = \(accountID)", logger: logger)
                }
            }
        }
    }

    private static func accountID(of change: EntryChange) -> String {
        switch change {
        case .save(let accountID, _), .delete(let accountID, _), .browserSeen(let accountID, _, _), .clear(let accountID),
            .browserVisit(let accountID, _, _, _): accountID
        }
    }

    // MARK: Chats

    private static let chatColumns = "id, account_id, tab, entry_id, visitor, status, started_at, archived_at"
    private static let messageColumns = "id, chat_id, author, agent_id, client_id, text, at, state"

    // MARK: Blocked browsers

    private static let blockColumns = "id, account_id, browser_hash, visitor, reason, blocked_by, blocked_at, until"

    public func addBlock(_ block: BlockedBrowser) async throws {
        try await run(
            """
            INSERT INTO blocked_browsers (id, account_id, browser_hash, visitor, reason, blocked_by, blocked_at, until)
            VALUES (\(block.id), \(block.accountID), \(block.browserHash), \(block.visitor), \(block.reason), \(block.blockedBy),
                \(block.blockedAt), \(block.until))
            ON CONFLICT (account_id, browser_hash) DO UPDATE SET id = excluded.id, visitor = excluded.visitor, reason = excluded.reason,
                blocked_by = excluded.blocked_by, blocked_at = excluded.blocked_at, until = excluded.until
            """)
    }

    public func blocks(accountID: String, now: Int64) async throws -> [BlockedBrowser] {
        try await run("DELETE FROM blocked_browsers WHERE until <= \(now)")
        return try await run(
            "SELECT \(unescaped: Self.blockColumns) FROM blocked_browsers WHERE account_id = \(accountID) ORDER BY blocked_at DESC, id"
        ).map(Self.block)
    }

    public func removeBlock(id: String, accountID: String) async throws -> BlockedBrowser? {
        try await run(
            "DELETE FROM blocked_browsers WHERE id = \(id) AND account_id = \(accountID) RETURNING \(unescaped: Self.blockColumns)"
        ).first.map(Self.block)
    }

    private static func block(_ row: PostgresRow) throws -> BlockedBrowser {
        let (id, accountID, browserHash, visitor, reason, blockedBy, blockedAt, until) =
            try row.decode((String, String, String, String, String, String, Int64, Int64).self)
        return BlockedBrowser(
            id: id, accountID: accountID, browserHash: browserHash, visitor: visitor, reason: reason, blockedBy: blockedBy,
            blockedAt: blockedAt, until: until)
    }

    public func createChat(_ chat: Chat) async throws {
        try await run(
            """
            INSERT INTO chats (id, account_id, tab, entry_id, visitor, status, started_at, archived_at)
            VALUES (\(chat.id), \(chat.accountID), \(chat.tab), \(chat.entryID), \(chat.visitor), \(chat.status.rawValue), \(chat.startedAt), \(chat.archivedAt))
            """)
    }

    public func chat(id: String) async throws -> Chat? {
        try await run("SELECT \(unescaped: Self.chatColumns) FROM chats WHERE id = \(id)").first.map(Self.chat)
    }

    public func activeChat(accountID: String, tab: String) async throws -> Chat? {
        try await run(
            """
            SELECT \(unescaped: Self.chatColumns) FROM chats WHERE account_id = \(accountID) AND status = 'active' AND tab = \(tab)
            ORDER BY started_at DESC LIMIT 1
            """
        ).first.map(Self.chat)
    }

    public func activeChats(accountID: String) async throws -> [Chat] {
        try await run(
            "SELECT \(unescaped: Self.chatColumns) FROM chats WHERE account_id = \(accountID) AND status = 'active' ORDER BY started_at, id"
        ).map(Self.chat)
    }

    public func archiveChat(id: String, at: Int64) async throws {
        try await run("UPDATE chats SET status = 'archived', archived_at = \(at) WHERE id = \(id)")
    }

    public func setChatTab(id: String, tab: String) async throws {
        try await run("UPDATE chats SET tab = \(tab) WHERE id = \(id)")
    }

    public func addMessage(_ message: ChatMessage) async throws -> ChatMessage {
        let inserted = try await run(
            """
            WITH number AS (
                -- Ids are per account; the counter row's lock orders concurrent messages.
                INSERT INTO message_numbers (account_id, last_id) SELECT account_id, 1 FROM chats WHERE id = \(message.chatID)
                ON CONFLICT (account_id) DO UPDATE SET last_id = message_numbers.last_id + 1
                RETURNING account_id, last_id
            )
            INSERT INTO messages (account_id, id, chat_id, author, agent_id, client_id, text, at, state)
            SELECT account_id, last_id, \(message.chatID), \(message.author.rawValue), \(message.agentID), \(message.clientID),
                \(message.text), \(message.at), \(message.state.rawValue)
            FROM number
            ON CONFLICT (chat_id, client_id) DO NOTHING RETURNING \(unescaped: Self.messageColumns)
            """)
        if let row = inserted.first { return try Self.message(row) }
        // A resend: the conflicting row is committed (the insert waited for it), so it is visible.
        guard
            let existing = try await run(
                "SELECT \(unescaped: Self.messageColumns) FROM messages WHERE chat_id = \(message.chatID) AND client_id = \(message.clientID)"
            ).first
        else { throw StoreError.invalid("message could not be stored") }
        return try Self.message(existing)
    }

    public func messages(chatID: String) async throws -> [ChatMessage] {
        try await run("SELECT \(unescaped: Self.messageColumns) FROM messages WHERE chat_id = \(chatID) ORDER BY id").map(Self.message)
    }

    public func advanceMessages(chatID: String, author: ChatMessage.Author, upTo: Int64, to state: ChatMessage.State) async throws -> [ChatMessage] {
        let lower = state == .read ? "'sent', 'delivered'" : "'sent'"
        return try await run(
            """
            UPDATE messages SET state = \(state.rawValue)
            WHERE chat_id = \(chatID) AND author = \(author.rawValue) AND id <= \(upTo) AND state IN (\(unescaped: lower))
            RETURNING \(unescaped: Self.messageColumns)
            """
        ).map(Self.message).sorted { $0.id < $1.id }
    }

    private static func chat(_ row: PostgresRow) throws -> Chat {
        let (id, accountID, tab, entryID, visitor, status, startedAt, archivedAt) =
            try row.decode((String, String, String, String, String, String, Int64, Int64?).self)
        return Chat(
            id: id, accountID: accountID, tab: tab, entryID: entryID, visitor: visitor,
            status: Chat.Status(rawValue: status) ?? .archived, startedAt: startedAt, archivedAt: archivedAt)
    }

    private static func message(_ row: PostgresRow) throws -> ChatMessage {
        let (id, chatID, author, agentID, clientID, text, at, state) =
            try row.decode((Int64, String, String, String?, String?, String, Int64, String).self)
        return ChatMessage(
            id: id, chatID: chatID, author: ChatMessage.Author(rawValue: author) ?? .visitor, agentID: agentID, clientID: clientID,
            text: text, at: at, state: ChatMessage.State(rawValue: state) ?? .sent)
    }

    public func secret(named name: String, orCreate make: @Sendable () -> String) async throws -> String {
        // Insert-if-missing then read: of nodes racing on first use, all read the winner's value.
        try await run("INSERT INTO secrets (name, value) VALUES (\(name), \(make())) ON CONFLICT (name) DO NOTHING")
        guard let value = try await run("SELECT value FROM secrets WHERE name = \(name)").first?.decode(String.self) else {
            throw StoreError.notFound("secret \(name)")
        }
        return value
    }

    public var liveLog: (any LiveLog)? { PostgresLiveLog(client: client, configuration: configuration, logger: logger) }

    public func close() async throws {
        pool.cancel()
        await pool.value
    }

    // MARK: Plumbing

    /// Runs one statement on a pooled connection and collects its rows.
    @discardableResult
    func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await client.query(query, logger: logger).collect()
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs `body` in one transaction on one pooled connection. A deadlock or serialization
    /// failure rolls everything back, so the whole body is simply run again after a pause.
    func transaction(_ body: (PostgresConnection) async throws -> Void) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
                return
            } catch let error as StoreError {
                throw error
            } catch {
                let state = (error as? PSQLError)?.serverInfo?[.sqlState]
                if attempt < 5, state == "40P01" || state == "40001" {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 10...50) * attempt))
                    continue
                }
                throw Self.storeError(error)
            }
        }
    }

    /// Unique violations become ``StoreError/duplicate(_:)`` (callers name what); the rest
    /// ``StoreError/unavailable(_:)`` with the server's own message.
    private static func storeError(_ error: any Error) -> any Error {
        if let error = error as? StoreError { return error }
        switch (error as? PSQLError)?.serverInfo?[.sqlState] {
        case "23505": return StoreError.duplicate("value")
        case "23503": return StoreError.notFound("referenced row")
        default: return StoreError.unavailable("PostgreSQL: \(describe(error))")
        }
    }

    /// What went wrong, from the server's message or the network error. `PSQLError`'s own
    /// description is deliberately vague; this one never includes the password either.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
