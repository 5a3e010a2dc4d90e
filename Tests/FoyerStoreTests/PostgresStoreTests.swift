import Foundation
@testable import FoyerStore
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
    @Test func usersAndSessions() async throws { try await run(StoreContract.usersAndSessions) }
    @Test func lastOwnerIsKept() async throws { try await run(StoreContract.lastOwnerIsKept) }
    @Test func setupTokensWorkOnceBeforeTheyExpire() async throws { try await run(StoreContract.setupTokensWorkOnceBeforeTheyExpire) }
    @Test func entryChangesApplyInOrderAndSurviveReopening() async throws { try await run(StoreContract.entryChangesApplyInOrderAndSurviveReopening) }
    @Test func migrationsRunOnceAndSecretsAreStable() async throws { try await run(StoreContract.migrationsRunOnceAndSecretsAreStable) }
    @Test func chatsAndMessages() async throws { try await run(StoreContract.chatsAndMessages) }
    @Test func concurrentBatchesApplyWhole() async throws { try await run(StoreContract.concurrentBatchesApplyWhole) }
    @Test func concurrentDemotionsKeepOneOwner() async throws { try await run(StoreContract.concurrentDemotionsKeepOneOwner) }

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

    @Test func unreachableServerIsAClearError() async throws {
        // A port nothing listens on (the discard port), with a password that must not show.
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.open(url: "postgres://foyer:s3cret@127.0.0.1:9/foyer?sslmode=disable", logger: Logger(label: "test"))
        }
        #expect(error == StoreError.unavailable(""))
        #expect(error?.description.contains("127.0.0.1") == true)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func wrongPasswordIsAClearError() async throws {
        var server = try PostgresConfiguration(url: try #require(PostgresFixture.url))
        server.password = "not-the-password"
        let error = await #expect(throws: StoreError.self) { _ = try await PostgresStore.open(server, logger: Logger(label: "test")) }
        #expect(error?.description.contains("not-the-password") == false)
        #expect(error?.description.contains(server.username) == true, "\(String(describing: error))")
    }
}

/// Reading `postgres://` URLs; needs no server.
@Suite("PostgreSQL URL")
struct PostgresConfigurationTests {
    @Test func readsEveryPart() throws {
        let configuration = try PostgresConfiguration(url: "postgres://foyer:p%40ss@db.internal:6543/visitors?sslmode=disable")
        #expect(configuration == PostgresConfiguration(host: "db.internal", port: 6543, username: "foyer", password: "p@ss", database: "visitors", tls: .disable))
        #expect(!configuration.redacted.contains("p@ss") && !configuration.redacted.contains("p%40ss"))
        #expect(configuration.redacted.hasPrefix("postgres://foyer@db.internal:6543/visitors"))
    }

    @Test func defaultsToPort5432AndPreferredTLS() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://foyer@localhost/foyer")
        #expect(configuration.port == 5432 && configuration.tls == .prefer && configuration.password == nil)
        #expect(try PostgresConfiguration(url: "postgres://u@h/d?sslmode=verify-full").tls == .verifyFull)
    }

    @Test(arguments: [
        ("mysql://u:p@h/d", "postgres://"),
        ("postgres://u:p@/d", "no host"),
        ("postgres://:p@h/d", "no user"),
        ("postgres://u:p@h", "no database"),
        ("postgres://u:p@h/d?sslmode=sometimes", "sslmode"),
        ("postgres://u:p@h/d?search_path=x", "unknown parameter search_path"),
        ("not a url", "not a URL"),
    ])
    func badURLsSayWhatIsWrong(url: String, expected: String) throws {
        let error = #expect(throws: StoreError.self) { try PostgresConfiguration(url: url) }
        #expect(error?.description.contains(expected) == true, "\(url): \(String(describing: error))")
        #expect(error?.description.contains(":p@") == false, "never the password")
    }
}
