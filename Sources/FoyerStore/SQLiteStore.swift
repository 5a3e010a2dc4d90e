public import FoyerCore
import Foundation
public import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// The embedded default store: one SQLite file in WAL mode.
///
/// Two connections: one for the entry writer's batches (explicit transactions), one for
/// everything else, so a batch never swallows an unrelated statement.
public final class SQLiteStore: Store {
    let writer: SQLiteConnection
    let reader: SQLiteConnection
    /// SQLite connections have one transaction each: one `BEGIN` at a time on the writer.
    private let transactions = SerialGate()
    public let path: String

    private init(path: String, writer: SQLiteConnection, reader: SQLiteConnection) {
        self.path = path
        self.writer = writer
        self.reader = reader
    }

    /// Opens (creating if needed) `foyer.sqlite` in `directory`.
    public static func open(directory: String, logger: Logger) async throws -> SQLiteStore {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unavailable("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent("foyer.sqlite")
        return try await open(path: path, logger: logger)
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        let pool = NIOThreadPool.singleton
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: loop)
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: loop)
            for connection in [writer, reader] {
                _ = try await connection.query("PRAGMA busy_timeout = 5000")
                _ = try await connection.query("PRAGMA journal_mode = WAL")
                // WAL with NORMAL sync survives a process crash (kill -9); only an OS
                // crash can lose the last transactions.
                _ = try await connection.query("PRAGMA synchronous = NORMAL")
                _ = try await connection.query("PRAGMA foreign_keys = ON")
            }
            return SQLiteStore(path: path, writer: writer, reader: reader)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("cannot open database \(path): \(error)")
        }
    }

    public func migrate() async throws {
        _ = try await writer.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let applied = Set(try await writer.query("SELECT version FROM schema_migrations").compactMap { $0.column("version")?.integer })
        for migration in SQLiteMigrations.all where !applied.contains(migration.version) {
            do {
                try await transaction {
                    for statement in migration.statements { _ = try await writer.query(statement) }
                    _ = try await writer.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                        [.integer(migration.version), .integer(Int(Date().timeIntervalSince1970))])
                }
            } catch {
                throw StoreError.unavailable("migration \(migration.version) failed on \(path): \(error)")
            }
        }
    }

    // MARK: Accounts

    public func createAccount(name: String, siteKey: String, now: Int64) async throws -> Account {
        let account = Account(id: Identifier.make(prefix: "a_"), name: name, siteKey: siteKey, createdAt: now)
        do {
            _ = try await reader.query(
                "INSERT INTO accounts (id, name, site_key, tracking_enabled, allowed_origins, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(account.id), .text(name), .text(siteKey), .integer(1), .text(""), .integer(Int(now))])
        } catch let error as SQLiteError where error.reason == .constraint || error.reason == .constraintUniqueFailed {
            throw StoreError.duplicate("account \(name)")
        }
        return account
    }

    public func accounts() async throws -> [Account] {
        try await reader.query("SELECT * FROM accounts ORDER BY created_at, name").map(Self.account)
    }

    public func account(id: String) async throws -> Account? {
        try await reader.query("SELECT * FROM accounts WHERE id = ?", [.text(id)]).first.map(Self.account)
    }

    public func account(name: String) async throws -> Account? {
        try await reader.query("SELECT * FROM accounts WHERE name = ?", [.text(name)]).first.map(Self.account)
    }

    public func account(siteKey: String) async throws -> Account? {
        try await reader.query("SELECT * FROM accounts WHERE site_key = ?", [.text(siteKey)]).first.map(Self.account)
    }

    public func updateAccount(_ account: Account) async throws {
        _ = try await reader.query(Self.accountUpdate, Self.accountUpdateBindings(account))
    }

    public func changeAccount(id: String, _ change: @Sendable (inout Account) throws -> Void) async throws -> (previous: Account, current: Account)? {
        var result: (previous: Account, current: Account)?
        try await transaction {
            guard let previous = try await writer.query("SELECT * FROM accounts WHERE id = ?", [.text(id)]).first.map(Self.account) else { return }
            var account = previous
            try change(&account)
            _ = try await writer.query(Self.accountUpdate, Self.accountUpdateBindings(account))
            result = (previous, account)
        }
        return result
    }

    private static let accountUpdate =
        "UPDATE accounts SET name = ?, site_key = ?, tracking_enabled = ?, allowed_origins = ?, identity_secret = ?, remember_visitors = ?, invitation_message = ? WHERE id = ?"

    private static func accountUpdateBindings(_ account: Account) -> [SQLiteData] {
        [
            .text(account.name), .text(account.siteKey), .integer(account.trackingEnabled ? 1 : 0),
            .text(account.allowedOrigins.joined(separator: "\n")), .text(account.identitySecret),
            .integer(account.rememberVisitors ? 1 : 0), account.invitationMessage.map { .text($0) } ?? .null, .text(account.id),
        ]
    }

    private static func account(_ row: SQLiteRow) -> Account {
        let origins = row.column("allowed_origins")?.string ?? ""
        return Account(
            id: row.column("id")?.string ?? "",
            name: row.column("name")?.string ?? "",
            siteKey: row.column("site_key")?.string ?? "",
            trackingEnabled: (row.column("tracking_enabled")?.integer ?? 1) != 0,
            allowedOrigins: origins.split(separator: "\n").map(String.init),
            createdAt: Int64(row.column("created_at")?.integer ?? 0),
            identitySecret: row.column("identity_secret")?.string ?? "",
            rememberVisitors: (row.column("remember_visitors")?.integer ?? 1) != 0,
            invitationMessage: row.column("invitation_message")?.string
        )
    }

    // MARK: Team

    public func createUser(accountID: String, email: String, passwordHash: String, role: Role, now: Int64) async throws -> User {
        let user = User(id: Identifier.make(prefix: "u_"), accountID: accountID, email: email.lowercased(), passwordHash: passwordHash, role: role, createdAt: now)
        do {
            _ = try await reader.query(
                "INSERT INTO users (id, account_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(user.id), .text(accountID), .text(user.email), .text(passwordHash), .text(role.rawValue), .integer(Int(now))])
        } catch let error as SQLiteError where error.reason == .constraint || error.reason == .constraintUniqueFailed {
            throw StoreError.duplicate("user \(user.email)")
        }
        return user
    }

    public func user(id: String) async throws -> User? {
        try await reader.query("SELECT * FROM users WHERE id = ?", [.text(id)]).first.map(Self.user)
    }

    public func user(email: String) async throws -> User? {
        try await reader.query("SELECT * FROM users WHERE email = ?", [.text(email.lowercased())]).first.map(Self.user)
    }

    public func users(accountID: String) async throws -> [User] {
        try await reader.query("SELECT * FROM users WHERE account_id = ? ORDER BY created_at", [.text(accountID)]).map(Self.user)
    }

    public func updateRole(userID: String, role: Role) async throws {
        try await changeTeam(userID: userID) { user in
            _ = try await self.writer.query("UPDATE users SET role = ? WHERE id = ?", [.text(role.rawValue), .text(user.id)])
        }
    }

    public func deleteUser(id: String) async throws {
        try await changeTeam(userID: id) { user in
            _ = try await self.writer.query("DELETE FROM sessions WHERE user_id = ?", [.text(user.id)])
            _ = try await self.writer.query("DELETE FROM users WHERE id = ?", [.text(user.id)])
        }
    }

    public func setDisplayName(userID: String, _ name: String?) async throws {
        _ = try await reader.query(
            "UPDATE users SET display_name = ? WHERE id = ?", [name.map { .text($0) } ?? .null, .text(userID)])
    }

    /// Runs a team change in one transaction and rolls it back if the account would be
    /// left without an owner, so two concurrent demotions can never both succeed.
    private func changeTeam(userID: String, _ change: @Sendable (User) async throws -> Void) async throws {
        try await transaction {
            guard let user = try await writer.query("SELECT * FROM users WHERE id = ?", [.text(userID)]).first.map(Self.user) else {
                throw StoreError.notFound("user")
            }
            try await change(user)
            let owners = try await writer.query(
                "SELECT COUNT(*) AS n FROM users WHERE account_id = ? AND role = 'owner'", [.text(user.accountID)]
            ).first?.column("n")?.integer ?? 0
            guard owners > 0 else { throw StoreError.invalid("an account keeps at least one owner") }
        }
    }

    public func createSetupToken(accountID: String, tokenHash: String, expiresAt: Int64) async throws {
        _ = try await reader.query(
            "INSERT INTO setup_tokens (token_hash, account_id, expires_at) VALUES (?, ?, ?)",
            [.text(tokenHash), .text(accountID), .integer(Int(expiresAt))])
    }

    public func consumeSetupToken(tokenHash: String, now: Int64) async throws -> String? {
        let row = try await reader.query(
            "DELETE FROM setup_tokens WHERE token_hash = ? RETURNING account_id, expires_at", [.text(tokenHash)]
        ).first
        guard let row, let expires = row.column("expires_at")?.integer, Int64(expires) > now else { return nil }
        return row.column("account_id")?.string
    }

    private static func user(_ row: SQLiteRow) -> User {
        User(
            id: row.column("id")?.string ?? "",
            accountID: row.column("account_id")?.string ?? "",
            email: row.column("email")?.string ?? "",
            passwordHash: row.column("password_hash")?.string ?? "",
            role: Role(rawValue: row.column("role")?.string ?? "") ?? .agent,
            createdAt: Int64(row.column("created_at")?.integer ?? 0),
            displayName: row.column("display_name")?.string
        )
    }

    // MARK: Sessions

    public func createSession(_ session: Session) async throws {
        _ = try await reader.query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
            [.text(session.tokenHash), .text(session.userID), .integer(Int(session.createdAt)), .integer(Int(session.lastSeenAt))])
    }

    public func session(tokenHash: String) async throws -> Session? {
        try await reader.query("SELECT * FROM sessions WHERE token_hash = ?", [.text(tokenHash)]).first.map { row in
            Session(
                tokenHash: row.column("token_hash")?.string ?? "",
                userID: row.column("user_id")?.string ?? "",
                createdAt: Int64(row.column("created_at")?.integer ?? 0),
                lastSeenAt: Int64(row.column("last_seen_at")?.integer ?? 0))
        }
    }

    public func touchSession(tokenHash: String, at: Int64) async throws {
        _ = try await reader.query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", [.integer(Int(at)), .text(tokenHash)])
    }

    public func deleteSession(tokenHash: String) async throws {
        _ = try await reader.query("DELETE FROM sessions WHERE token_hash = ?", [.text(tokenHash)])
    }

    public func deleteSessions(idleSince: Int64) async throws {
        _ = try await reader.query("DELETE FROM sessions WHERE last_seen_at < ?", [.integer(Int(idleSince))])
    }

    // MARK: Visitors

    public func browserFirstSeen(accountID: String, browserHash: String) async throws -> Int64? {
        try await reader.query(
            "SELECT first_seen FROM browsers WHERE account_id = ? AND browser_hash = ?", [.text(accountID), .text(browserHash)]
        ).first?.column("first_seen")?.integer.map(Int64.init)
    }

    public func browsersFirstSeen(accountID: String, browserHashes: [String]) async throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        var start = browserHashes.startIndex
        while start < browserHashes.endIndex {
            let chunk = browserHashes[start..<min(start + Self.rowsPerStatement, browserHashes.endIndex)]
            start = chunk.endIndex
            let list = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try await reader.query(
                "SELECT browser_hash, first_seen FROM browsers WHERE account_id = ? AND browser_hash IN (\(list))",
                [.text(accountID)] + chunk.map { .text($0) })
            for row in rows {
                if let hash = row.column("browser_hash")?.string, let firstSeen = row.column("first_seen")?.integer {
                    found[hash] = Int64(firstSeen)
                }
            }
        }
        return found
    }

    public func browserVisits(accountID: String, browserHashes: [String]) async throws -> [String: BrowserVisits] {
        var found: [String: BrowserVisits] = [:]
        var start = browserHashes.startIndex
        while start < browserHashes.endIndex {
            let chunk = browserHashes[start..<min(start + Self.rowsPerStatement, browserHashes.endIndex)]
            start = chunk.endIndex
            let list = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try await reader.query(
                "SELECT browser_hash, first_seen, COALESCE(last_seen, first_seen) AS last_seen, visits FROM browsers WHERE account_id = ? AND browser_hash IN (\(list))",
                [.text(accountID)] + chunk.map { .text($0) })
            for row in rows {
                guard let hash = row.column("browser_hash")?.string, let first = row.column("first_seen")?.integer else { continue }
                found[hash] = BrowserVisits(
                    firstSeen: Int64(first), lastSeen: Int64(row.column("last_seen")?.integer ?? first), visits: row.column("visits")?.integer ?? 1)
            }
        }
        return found
    }

    public func entries(accountID: String) async throws -> [Entry] {
        let decoder = JSONDecoder()
        return try await reader.query("SELECT data FROM entries WHERE account_id = ?", [.text(accountID)]).compactMap { row in
            guard let text = row.column("data")?.string else { return nil }
            return try decoder.decode(Entry.self, from: Data(text.utf8))
        }
    }

    public func apply(_ changes: [EntryChange]) async throws {
        guard !changes.isEmpty else { return }
        try await transaction {
            // Consecutive changes of one kind become one multi-row statement: each
            // statement costs a prepare and a hop to SQLite's thread, which dominated a
            // batch of single-row ones. Runs keep the changes' order.
            var index = changes.startIndex
            while index < changes.endIndex {
                var end = index + 1
                while end < changes.endIndex, end - index < Self.rowsPerStatement, Self.sameRun(changes[index], changes[end]) { end += 1 }
                try await applyRun(changes[index..<end])
                index = end
            }
        }
    }

    /// Rows per multi-row statement: 3 values each stays under SQLite's 999 parameters.
    private static let rowsPerStatement = 300

    private static func sameRun(_ first: EntryChange, _ next: EntryChange) -> Bool {
        switch (first, next) {
        case (.save, .save), (.browserSeen, .browserSeen), (.browserVisit, .browserVisit): true
        case (.delete(let one, _), .delete(let two, _)): one == two
        default: false
        }
    }

    private func applyRun(_ run: ArraySlice<EntryChange>) async throws {
        var values: [SQLiteData] = []
        values.reserveCapacity(run.count * 3)
        switch run.first {
        case .save:
            for case .save(let accountID, let entry) in run {
                values += [.text(accountID), .text(entry.id), .text(EntryRecordJSON.encode(entry))]
            }
            _ = try await writer.query("INSERT OR REPLACE INTO entries (account_id, id, data) VALUES " + Self.rows(run.count, width: 3), values)
        case .delete(let accountID, _):
            values.append(.text(accountID))
            for case .delete(_, let entryID) in run { values.append(.text(entryID)) }
            let list = Array(repeating: "?", count: run.count).joined(separator: ", ")
            _ = try await writer.query("DELETE FROM entries WHERE account_id = ? AND id IN (\(list))", values)
        case .browserSeen:
            for case .browserSeen(let accountID, let hash, let at) in run {
                values += [.text(accountID), .text(hash), .integer(Int(at))]
            }
            _ = try await writer.query(
                "INSERT OR IGNORE INTO browsers (account_id, browser_hash, first_seen) VALUES " + Self.rows(run.count, width: 3), values)
        case .browserVisit:
            for case .browserVisit(let accountID, let hash, let visits, let at) in run {
                values += [.text(accountID), .text(hash), .integer(Int(at)), .integer(Int(at)), .integer(visits)]
            }
            _ = try await writer.query(
                "INSERT INTO browsers (account_id, browser_hash, first_seen, last_seen, visits) VALUES " + Self.rows(run.count, width: 5)
                    + " ON CONFLICT (account_id, browser_hash) DO UPDATE SET last_seen = excluded.last_seen, visits = max(visits, excluded.visits)",
                values)
        case .clear(let accountID):
            _ = try await writer.query("DELETE FROM entries WHERE account_id = ?", [.text(accountID)])
        case nil:
            break
        }
    }

    /// `(?, ?, ?), (?, ?, ?), …`: `count` rows of `width` parameters.
    private static func rows(_ count: Int, width: Int) -> String {
        let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        return Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// Runs `body` in one write transaction on the writer connection, one at a time.
    func transaction(_ body: () async throws -> Void) async throws {
        try await transactions.run {
            _ = try await writer.query("BEGIN IMMEDIATE")
            do {
                try await body()
                _ = try await writer.query("COMMIT")
            } catch {
                _ = try? await writer.query("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: Chats

    // MARK: Blocked browsers

    public func addBlock(_ block: BlockedBrowser) async throws {
        _ = try await reader.query(
            """
            INSERT INTO blocked_browsers (id, account_id, browser_hash, visitor, reason, blocked_by, blocked_at, until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, browser_hash) DO UPDATE SET id = excluded.id, visitor = excluded.visitor, reason = excluded.reason,
                blocked_by = excluded.blocked_by, blocked_at = excluded.blocked_at, until = excluded.until
            """,
            [.text(block.id), .text(block.accountID), .text(block.browserHash), .text(block.visitor), .text(block.reason), .text(block.blockedBy),
             .integer(Int(block.blockedAt)), .integer(Int(block.until))])
    }

    public func blocks(accountID: String, now: Int64) async throws -> [BlockedBrowser] {
        _ = try await reader.query("DELETE FROM blocked_browsers WHERE until <= ?", [.integer(Int(now))])
        return try await reader.query(
            "SELECT * FROM blocked_browsers WHERE account_id = ? ORDER BY blocked_at DESC, id", [.text(accountID)]
        ).map(Self.block)
    }

    public func removeBlock(id: String, accountID: String) async throws -> BlockedBrowser? {
        let rows = try await reader.query(
            "DELETE FROM blocked_browsers WHERE id = ? AND account_id = ? RETURNING *", [.text(id), .text(accountID)])
        return rows.first.map(Self.block)
    }

    private static func block(_ row: SQLiteRow) -> BlockedBrowser {
        BlockedBrowser(
            id: row.column("id")?.string ?? "", accountID: row.column("account_id")?.string ?? "",
            browserHash: row.column("browser_hash")?.string ?? "", visitor: row.column("visitor")?.string ?? "",
            reason: row.column("reason")?.string ?? "", blockedBy: row.column("blocked_by")?.string ?? "",
            blockedAt: Int64(row.column("blocked_at")?.integer ?? 0), until: Int64(row.column("until")?.integer ?? 0))
    }

    public func createChat(_ chat: Chat) async throws {
        _ = try await reader.query(
            "INSERT INTO chats (id, account_id, tab, entry_id, visitor, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.text(chat.id), .text(chat.accountID), .text(chat.tab), .text(chat.entryID), .text(chat.visitor), .text(chat.status.rawValue), .integer(Int(chat.startedAt))])
    }

    public func chat(id: String) async throws -> Chat? {
        try await reader.query("SELECT * FROM chats WHERE id = ?", [.text(id)]).first.map(Self.chat)
    }

    public func activeChat(accountID: String, tab: String) async throws -> Chat? {
        try await reader.query(
            "SELECT * FROM chats WHERE account_id = ? AND status = 'active' AND tab = ? ORDER BY started_at DESC LIMIT 1",
            [.text(accountID), .text(tab)]
        ).first.map(Self.chat)
    }

    public func activeChats(accountID: String) async throws -> [Chat] {
        try await reader.query("SELECT * FROM chats WHERE account_id = ? AND status = 'active' ORDER BY started_at", [.text(accountID)]).map(Self.chat)
    }

    public func archiveChat(id: String, at: Int64) async throws {
        _ = try await reader.query("UPDATE chats SET status = 'archived', archived_at = ? WHERE id = ?", [.integer(Int(at)), .text(id)])
    }

    public func setChatTab(id: String, tab: String) async throws {
        _ = try await reader.query("UPDATE chats SET tab = ? WHERE id = ?", [.text(tab), .text(id)])
    }

    public func addMessage(_ message: ChatMessage) async throws -> ChatMessage {
        let clientID: SQLiteData = message.clientID.map { .text($0) } ?? .null
        // Ids are per account: the next after the account's highest, in one statement
        // (SQLite runs one write at a time, so two messages never get the same id).
        let rows = try await reader.query(
            """
            INSERT INTO messages (account_id, id, chat_id, author, agent_id, client_id, text, at, state)
            SELECT chats.account_id, COALESCE((SELECT MAX(id) FROM messages WHERE account_id = chats.account_id), 0) + 1,
                chats.id, ?, ?, ?, ?, ?, ?
            FROM chats WHERE chats.id = ?
            ON CONFLICT (chat_id, client_id) DO NOTHING RETURNING *
            """,
            [
                .text(message.author.rawValue), message.agentID.map { .text($0) } ?? .null, clientID,
                .text(message.text), .integer(Int(message.at)), .text(message.state.rawValue), .text(message.chatID),
            ])
        if let row = rows.first { return Self.message(row) }
        guard let existing = try await reader.query(
            "SELECT * FROM messages WHERE chat_id = ? AND client_id = ?", [.text(message.chatID), clientID]
        ).first else {
            throw StoreError.invalid("message could not be stored")
        }
        return Self.message(existing)
    }

    public func messages(chatID: String) async throws -> [ChatMessage] {
        try await reader.query("SELECT * FROM messages WHERE chat_id = ? ORDER BY id", [.text(chatID)]).map(Self.message)
    }

    public func advanceMessages(chatID: String, author: ChatMessage.Author, upTo: Int64, to state: ChatMessage.State) async throws -> [ChatMessage] {
        let lower: [String] = state == .read ? ["sent", "delivered"] : ["sent"]
        return try await reader.query(
            "UPDATE messages SET state = ? WHERE chat_id = ? AND author = ? AND id <= ? AND state IN (\(lower.map { "'\($0)'" }.joined(separator: ","))) RETURNING *",
            [.text(state.rawValue), .text(chatID), .text(author.rawValue), .integer(Int(upTo))]
        ).map(Self.message).sorted { $0.id < $1.id }
    }

    private static func chat(_ row: SQLiteRow) -> Chat {
        Chat(
            id: row.column("id")?.string ?? "", accountID: row.column("account_id")?.string ?? "", tab: row.column("tab")?.string ?? "",
            entryID: row.column("entry_id")?.string ?? "", visitor: row.column("visitor")?.string ?? "",
            status: Chat.Status(rawValue: row.column("status")?.string ?? "") ?? .archived,
            startedAt: Int64(row.column("started_at")?.integer ?? 0), archivedAt: row.column("archived_at")?.integer.map(Int64.init))
    }

    private static func message(_ row: SQLiteRow) -> ChatMessage {
        ChatMessage(
            id: Int64(row.column("id")?.integer ?? 0), chatID: row.column("chat_id")?.string ?? "",
            author: ChatMessage.Author(rawValue: row.column("author")?.string ?? "") ?? .visitor,
            agentID: row.column("agent_id")?.string, clientID: row.column("client_id")?.string,
            text: row.column("text")?.string ?? "", at: Int64(row.column("at")?.integer ?? 0),
            state: ChatMessage.State(rawValue: row.column("state")?.string ?? "") ?? .sent)
    }

    public func secret(named name: String, orCreate make: @Sendable () -> String) async throws -> String {
        _ = try await reader.query("INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)", [.text(name), .text(make())])
        guard let value = try await reader.query("SELECT value FROM secrets WHERE name = ?", [.text(name)]).first?.column("value")?.string else {
            throw StoreError.notFound("secret \(name)")
        }
        return value
    }

    public func close() async throws {
        try await writer.close()
        try await reader.close()
    }
}
