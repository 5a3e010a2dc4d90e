import FoyerStore
import Logging
import Testing

/// Reading `postgres://` URLs and reporting connection errors; needs no server.
@Suite("PostgreSQL configuration")
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

    @Test func unreachableServerIsAClearError() async throws {
        // A port nothing listens on (the discard port), with a password that must not show.
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.open(url: "postgres://foyer:s3cret@127.0.0.1:9/foyer?sslmode=disable", logger: Logger(label: "test"))
        }
        #expect(error == StoreError.unavailable(""))
        #expect(error?.description.contains("127.0.0.1") == true)
        #expect(error?.description.contains("s3cret") == false)
    }
}
