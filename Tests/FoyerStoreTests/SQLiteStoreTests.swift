import Foundation
import FoyerStore
import Logging
import Testing

/// The store contract on a real SQLite file per test, plus what only SQLite has.
@Suite("SQLite store")
struct SQLiteStoreTests {
    func run(_ test: (SQLiteFixture) async throws -> Void) async throws {
        try await SQLiteFixture.with({ SQLiteFixture() }, test)
    }

    @Test func accountsAreUniqueByNameAndSiteKey() async throws { try await run(StoreContract.accountsAreUniqueByNameAndSiteKey) }
    @Test func concurrentAccountChangesAllStay() async throws { try await run(StoreContract.concurrentAccountChangesAllStay) }
    @Test func usersAndSessions() async throws { try await run(StoreContract.usersAndSessions) }
    @Test func lastOwnerIsKept() async throws { try await run(StoreContract.lastOwnerIsKept) }
    @Test func setupTokensWorkOnceBeforeTheyExpire() async throws { try await run(StoreContract.setupTokensWorkOnceBeforeTheyExpire) }
    @Test func entryChangesApplyInOrderAndSurviveReopening() async throws { try await run(StoreContract.entryChangesApplyInOrderAndSurviveReopening) }
    @Test func migrationsRunOnceAndSecretsAreStable() async throws { try await run(StoreContract.migrationsRunOnceAndSecretsAreStable) }
    @Test func chatsAndMessages() async throws { try await run(StoreContract.chatsAndMessages) }
    @Test func messageIDsArePerAccount() async throws { try await run(StoreContract.messageIDsArePerAccount) }
    @Test func concurrentBatchesApplyWhole() async throws { try await run(StoreContract.concurrentBatchesApplyWhole) }
    @Test func concurrentDemotionsKeepOneOwner() async throws { try await run(StoreContract.concurrentDemotionsKeepOneOwner) }
    @Test func triggersAndNotices() async throws { try await run(StoreContract.triggersAndNotices) }
    @Test func invitationSlotsKeepTheirWindow() async throws { try await run(StoreContract.invitationSlotsKeepTheirWindow) }
    @Test func concurrentTriggerAdditionsKeepTheLimit() async throws { try await run(StoreContract.concurrentTriggerAdditionsKeepTheLimit) }
    @Test func blocksAreKeptPerAccountAndEndedOnesPurged() async throws { try await run(StoreContract.blocksAreKeptPerAccountAndEndedOnesPurged) }

    @Test func unusableDirectoryIsAClearError() async throws {
        await #expect(throws: StoreError.unavailable("")) {
            _ = try await SQLiteStore.open(directory: "/proc/foyer-cannot-write-here", logger: Logger(label: "test"))
        }
    }
}
