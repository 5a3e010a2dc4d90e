import FoyerStore
import Logging
import Testing

/// The store contract on PostgreSQL, one fresh database per test, plus what only
/// PostgreSQL has. Runs when `FOYER_TEST_DATABASE_URL` names a server (CI always sets it).
@Suite("PostgreSQL store", .enabled(if: PostgresFixture.url != nil, PostgresFixture.skipReason))
struct PostgresStoreTests {
    func run(_ test: (PostgresFixture) async throws -> Void) async throws {
        try await PostgresFixture.with(PostgresFixture.make, test)
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

    @Test func nodesStartingTogetherMigrateOnce() async throws {
        try await run { fixture in
            // Four nodes on an empty database at once: the advisory lock lets one build the
            // schema and the others find it built.
            let stores = try await withThrowingTaskGroup(of: (any Store).self) { group in
                for _ in 0..<4 { group.addTask { try await fixture.open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let account = try await stores[0].createAccount(name: "shop", siteKey: "fk_1", now: 1)
            #expect(try await stores[3].account(name: "shop") == account, "the nodes share one database")
            for store in stores { try await store.close() }
        }
    }

    @Test func wrongPasswordIsAClearError() async throws {
        var server = try PostgresConfiguration(url: try #require(PostgresFixture.url))
        server.password = "not-the-password"
        do {
            let store = try await PostgresStore.open(server, logger: Logger(label: "test"))
            // A server that trusts local logins takes any password: nothing to check there.
            try await store.close()
        } catch let error as StoreError {
            #expect(error == StoreError.unavailable(""))
            #expect(!error.description.contains("not-the-password"))
            #expect(error.description.contains("\(server.host):\(server.port)"), "\(error)")
        }
    }
}
