import FoyerCore
import FoyerStore
import Synchronization

/// A real store whose entry writes fail while `failing` is set, as on a full disk;
/// everything else goes straight through.
final class FlakyStore: Store {
    struct DiskFull: Error {}

    let base: any Store
    private let state = Mutex((failing: false, failed: 0))

    init(_ base: any Store) { self.base = base }

    /// Makes entry writes fail (true) or succeed again (false).
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    /// How many entry writes failed so far.
    var failedWrites: Int { state.withLock { $0.failed } }

    func apply(_ changes: [EntryChange]) async throws {
        let fail = state.withLock { state in
            if state.failing { state.failed += 1 }
            return state.failing
        }
        if fail { throw DiskFull() }
        try await base.apply(changes)
    }

    func migrate() async throws { try await base.migrate() }
    func createAccount(name: String, siteKey: String, now: Int64) async throws -> Account {
        try await base.createAccount(name: name, siteKey: siteKey, now: now)
    }
    func accounts() async throws -> [Account] { try await base.accounts() }
    func account(id: String) async throws -> Account? { try await base.account(id: id) }
    func account(name: String) async throws -> Account? { try await base.account(name: name) }
    func account(siteKey: String) async throws -> Account? { try await base.account(siteKey: siteKey) }
    func updateAccount(_ account: Account) async throws { try await base.updateAccount(account) }
    func changeAccount(id: String, _ change: @Sendable (inout Account) throws -> Void) async throws -> (previous: Account, current: Account)? {
        try await base.changeAccount(id: id, change)
    }
    func addBlock(_ block: BlockedBrowser) async throws { try await base.addBlock(block) }
    func blocks(accountID: String, now: Int64) async throws -> [BlockedBrowser] { try await base.blocks(accountID: accountID, now: now) }
    func removeBlock(id: String, accountID: String) async throws -> BlockedBrowser? { try await base.removeBlock(id: id, accountID: accountID) }
    func createUser(accountID: String, email: String, passwordHash: String, role: Role, now: Int64) async throws -> User {
        try await base.createUser(accountID: accountID, email: email, passwordHash: passwordHash, role: role, now: now)
    }
    func user(id: String) async throws -> User? { try await base.user(id: id) }
    func user(email: String) async throws -> User? { try await base.user(email: email) }
    func users(accountID: String) async throws -> [User] { try await base.users(accountID: accountID) }
    func updateRole(userID: String, role: Role) async throws { try await base.updateRole(userID: userID, role: role) }
    func deleteUser(id: String) async throws { try await base.deleteUser(id: id) }
    func setDisplayName(userID: String, _ name: String?) async throws { try await base.setDisplayName(userID: userID, name) }
    func createSetupToken(accountID: String, tokenHash: String, expiresAt: Int64) async throws {
        try await base.createSetupToken(accountID: accountID, tokenHash: tokenHash, expiresAt: expiresAt)
    }
    func consumeSetupToken(tokenHash: String, now: Int64) async throws -> String? {
        try await base.consumeSetupToken(tokenHash: tokenHash, now: now)
    }
    func createSession(_ session: Session) async throws { try await base.createSession(session) }
    func session(tokenHash: String) async throws -> Session? { try await base.session(tokenHash: tokenHash) }
    func touchSession(tokenHash: String, at: Int64) async throws { try await base.touchSession(tokenHash: tokenHash, at: at) }
    func deleteSession(tokenHash: String) async throws { try await base.deleteSession(tokenHash: tokenHash) }
    func deleteSessions(idleSince: Int64) async throws { try await base.deleteSessions(idleSince: idleSince) }
    func browserFirstSeen(accountID: String, browserHash: String) async throws -> Int64? {
        try await base.browserFirstSeen(accountID: accountID, browserHash: browserHash)
    }
    func browserVisits(accountID: String, browserHashes: [String]) async throws -> [String: BrowserVisits] {
        try await base.browserVisits(accountID: accountID, browserHashes: browserHashes)
    }
    func browsersFirstSeen(accountID: String, browserHashes: [String]) async throws -> [String: Int64] {
        try await base.browsersFirstSeen(accountID: accountID, browserHashes: browserHashes)
    }
    func entries(accountID: String) async throws -> [Entry] { try await base.entries(accountID: accountID) }
    func createChat(_ chat: Chat) async throws { try await base.createChat(chat) }
    func chat(id: String) async throws -> Chat? { try await base.chat(id: id) }
    func activeChat(accountID: String, tab: String) async throws -> Chat? { try await base.activeChat(accountID: accountID, tab: tab) }
    func activeChats(accountID: String) async throws -> [Chat] { try await base.activeChats(accountID: accountID) }
    func archiveChat(id: String, at: Int64) async throws { try await base.archiveChat(id: id, at: at) }
    func setChatTab(id: String, tab: String) async throws { try await base.setChatTab(id: id, tab: tab) }
    func addMessage(_ message: ChatMessage) async throws -> ChatMessage { try await base.addMessage(message) }
    func messages(chatID: String) async throws -> [ChatMessage] { try await base.messages(chatID: chatID) }
    func advanceMessages(chatID: String, author: ChatMessage.Author, upTo: Int64, to state: ChatMessage.State) async throws -> [ChatMessage] {
        try await base.advanceMessages(chatID: chatID, author: author, upTo: upTo, to: state)
    }
    func triggers(accountID: String) async throws -> [TriggerRecord] { try await base.triggers(accountID: accountID) }
    func takeInvitationSlot(userID: String, now: Int64, windowMillis: Int64, limit: Int) async throws -> Bool {
        try await base.takeInvitationSlot(userID: userID, now: now, windowMillis: windowMillis, limit: limit)
    }
    func addTrigger(accountID: String, _ trigger: Trigger, limit: Int) async throws -> Trigger? {
        try await base.addTrigger(accountID: accountID, trigger, limit: limit)
    }
    func updateTrigger(accountID: String, _ trigger: Trigger) async throws -> Bool { try await base.updateTrigger(accountID: accountID, trigger) }
    func deleteTrigger(accountID: String, id: String) async throws -> Bool { try await base.deleteTrigger(accountID: accountID, id: id) }
    func reorderTriggers(accountID: String, ids: [String]) async throws -> Bool { try await base.reorderTriggers(accountID: accountID, ids: ids) }
    func countTrigger(accountID: String, id: String, _ outcome: TriggerOutcome, invitationID: String, now: Int64) async throws {
        try await base.countTrigger(accountID: accountID, id: id, outcome, invitationID: invitationID, now: now)
    }
    func noticeSettings(userID: String) async throws -> NoticeSettings { try await base.noticeSettings(userID: userID) }
    func setNoticeSettings(userID: String, _ settings: NoticeSettings) async throws { try await base.setNoticeSettings(userID: userID, settings) }
    func secret(named name: String, orCreate make: @Sendable () -> String) async throws -> String {
        try await base.secret(named: name, orCreate: make)
    }
    func close() async throws { try await base.close() }
}
