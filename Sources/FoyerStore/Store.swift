public import FoyerCore

/// Everything Foyer keeps durably. Implemented on SQLite (the embedded default) and
/// PostgreSQL (`--database postgres://…`).
///
/// Entries are written in ordered batches of ``EntryChange``s by one writer; everything
/// else is small, rare and written directly.
public protocol Store: Sendable {
    /// Creates or upgrades the schema; numbered migrations run in order, once.
    func migrate() async throws

    // Accounts
    func createAccount(name: String, siteKey: String, now: Int64) async throws -> Account
    func accounts() async throws -> [Account]
    func account(id: String) async throws -> Account?
    func account(name: String) async throws -> Account?
    func account(siteKey: String) async throws -> Account?
    func updateAccount(_ account: Account) async throws
    /// Reads the account's row, lets `change` edit it and writes it back, all in one
    /// transaction: two settings changed at once by two people both stay (an account
    /// read earlier and saved whole would undo the other's change). Returns the row
    /// before and after, or nil for an unknown account; what `change` throws rolls back.
    func changeAccount(id: String, _ change: @Sendable (inout Account) throws -> Void) async throws -> (previous: Account, current: Account)?

    // Team
    func createUser(accountID: String, email: String, passwordHash: String, role: Role, now: Int64) async throws -> User
    func user(id: String) async throws -> User?
    func user(email: String) async throws -> User?
    func users(accountID: String) async throws -> [User]
    /// Changes a member's role; refuses to leave the account without an owner.
    func updateRole(userID: String, role: Role) async throws
    /// Removes a member and their sessions; refuses to remove the last owner.
    func deleteUser(id: String) async throws
    /// Sets (nil: clears) the name a member shows to visitors.
    func setDisplayName(userID: String, _ name: String?) async throws

    // One-time setup links for an account's first owner
    func createSetupToken(accountID: String, tokenHash: String, expiresAt: Int64) async throws
    /// Uses up a setup token: returns its account if it was valid and unexpired.
    func consumeSetupToken(tokenHash: String, now: Int64) async throws -> String?

    // Sessions
    func createSession(_ session: Session) async throws
    func session(tokenHash: String) async throws -> Session?
    func touchSession(tokenHash: String, at: Int64) async throws
    func deleteSession(tokenHash: String) async throws
    func deleteSessions(idleSince: Int64) async throws

    // Visitors
    func browserFirstSeen(accountID: String, browserHash: String) async throws -> Int64?
    /// First visits of several browsers of one account at once; unknown ones are absent.
    func browsersFirstSeen(accountID: String, browserHashes: [String]) async throws -> [String: Int64]
    /// First and last visits and visit counts of several browsers of one account; unknown ones are absent.
    func browserVisits(accountID: String, browserHashes: [String]) async throws -> [String: BrowserVisits]
    func entries(accountID: String) async throws -> [Entry]
    /// Applies changes in order, atomically.
    func apply(_ changes: [EntryChange]) async throws

    // Blocked browsers
    /// Stores a block; a block of the same key on the account is replaced.
    func addBlock(_ block: BlockedBrowser) async throws
    /// The account's blocks still in force at `now`, newest first; ended ones are deleted.
    func blocks(accountID: String, now: Int64) async throws -> [BlockedBrowser]
    /// Deletes one of the account's blocks and returns it; nil when there is none.
    func removeBlock(id: String, accountID: String) async throws -> BlockedBrowser?

    // Chats
    func createChat(_ chat: Chat) async throws
    func chat(id: String) async throws -> Chat?
    /// The tab's active chat, if any.
    func activeChat(accountID: String, tab: String) async throws -> Chat?
    func activeChats(accountID: String) async throws -> [Chat]
    func archiveChat(id: String, at: Int64) async throws
    /// Moves a chat to another tab key (tab ids kept as sent by an earlier version are
    /// replaced by their keys once, at start).
    func setChatTab(id: String, tab: String) async throws
    /// Stores a message and returns it with its id; a visitor message whose client id was
    /// stored already is returned as it was, not stored twice.
    func addMessage(_ message: ChatMessage) async throws -> ChatMessage
    /// A chat's messages, oldest first.
    func messages(chatID: String) async throws -> [ChatMessage]
    /// Raises the state of `author`'s messages up to `upTo`; returns those that changed.
    func advanceMessages(chatID: String, author: ChatMessage.Author, upTo: Int64, to state: ChatMessage.State) async throws -> [ChatMessage]

    // Triggers (automatic invitations)
    /// The account's triggers in order, with their counts.
    func triggers(accountID: String) async throws -> [TriggerRecord]
    /// Adds a trigger after the account's last one, unless the account has `limit` already:
    /// the count and the position are read and written at once, so concurrent additions
    /// never pass the limit or share a position. Returns the stored trigger, or nil at the limit.
    func addTrigger(accountID: String, _ trigger: Trigger, limit: Int) async throws -> Trigger?
    /// Replaces a trigger's settings (its position and counts stay); false if it is gone
    /// (a deleted trigger is never brought back by an edit that raced with the delete).
    func updateTrigger(accountID: String, _ trigger: Trigger) async throws -> Bool
    /// Deletes a trigger and closes the gap in the positions; false if there was none.
    func deleteTrigger(accountID: String, id: String) async throws -> Bool
    /// Sets the positions to the order of `ids`; false (and nothing changed) unless `ids`
    /// lists the account's triggers each once, checked in the same transaction.
    func reorderTriggers(accountID: String, ids: [String]) async throws -> Bool
    /// Counts one outcome of a trigger's invitation, once per invitation and outcome
    /// however often it is reported (every node of a cluster reports it); nothing if the
    /// trigger is gone.
    func countTrigger(accountID: String, id: String, _ outcome: TriggerOutcome, invitationID: String, now: Int64) async throws

    // Invitations by hand, per member
    /// Counts one invitation by `userID` at `now` unless `limit` were counted in the
    /// `windowMillis` before it; false (nothing counted) at the limit. One count for every
    /// node of a cluster: the check and the count are one transaction.
    func takeInvitationSlot(userID: String, now: Int64, windowMillis: Int64, limit: Int) async throws -> Bool

    // Notice-first switches, per team member
    func noticeSettings(userID: String) async throws -> NoticeSettings
    func setNoticeSettings(userID: String, _ settings: NoticeSettings) async throws

    /// A server-wide secret (e.g. the salt for browser hashes), created on first use.
    func secret(named name: String, orCreate make: @Sendable () -> String) async throws -> String

    /// The log that keeps the nodes of a cluster in one live state; `nil` for a store
    /// only one node can use.
    var liveLog: (any LiveLog)? { get }

    func close() async throws
}

extension Store {
    public var liveLog: (any LiveLog)? { nil }

    /// One lookup after the other, for stores without a batched query.
    public func browsersFirstSeen(accountID: String, browserHashes: [String]) async throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        for hash in browserHashes {
            if let firstSeen = try await browserFirstSeen(accountID: accountID, browserHash: hash) { found[hash] = firstSeen }
        }
        return found
    }
}
