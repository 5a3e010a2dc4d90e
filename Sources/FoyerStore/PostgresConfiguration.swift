import Foundation
import NIOSSL
public import PostgresNIO

/// Where a PostgreSQL database is, read from a URL such as
/// `postgres://user:pass@host:5432/db?sslmode=disable`.
///
/// Messages and logs use ``redacted``, never the password.
public struct PostgresConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is encrypted, named as libpq's `sslmode`.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS always, certificate checked against the system's roots, host name not checked.
        case verifyCA = "verify-ca"
        /// TLS always, certificate and host name checked.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Reads a `postgres://` (or `postgresql://`) URL; the error names what is wrong.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw StoreError.invalid("database URL is not a URL; expected postgres://user:password@host:5432/database")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError.invalid("database URL must start with postgres://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalid("database URL has no host; expected postgres://user:password@host:5432/database")
        }
        guard let username = components.user, !username.isEmpty else {
            throw StoreError.invalid("database URL has no user name; expected postgres://user:password@\(host)/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError.invalid("database URL names no database; expected postgres://\(username)@\(host)/database")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? "") else {
                    let known = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw StoreError.invalid("database URL: sslmode \(item.value ?? "") is not one of \(known)")
                }
                tls = mode
            default:
                throw StoreError.invalid("database URL: unknown parameter \(item.name) (only sslmode is understood)")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, username: username, password: components.password,
            database: database, tls: tls)
    }

    /// The URL without its password, fit for messages and logs.
    public var redacted: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.host = host
        components.port = port
        components.path = "/" + database
        return (components.string ?? "postgres://\(username)@\(host):\(port)/\(database)") + (password == nil ? "" : " (password hidden)")
    }

    public var description: String { redacted }

    /// The same server with another database, e.g. a scratch one for tests.
    public func with(database: String) -> PostgresConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    var client: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The settings for one PostgresNIO connection to this database (the store itself
    /// uses a pool; tools and tests that run administrative statements use this).
    public var connection: PostgresConnection.Configuration {
        get throws {
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: try connectionTLS)
            configuration.options.connectTimeout = .seconds(10)
            return configuration
        }
    }

    private var tlsConfiguration: TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        return configuration
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        guard let tlsConfiguration else { return .disable }
        return tls == .prefer ? .prefer(tlsConfiguration) : .require(tlsConfiguration)
    }

    private var connectionTLS: PostgresConnection.Configuration.TLS {
        get throws {
            guard let tlsConfiguration else { return .disable }
            let context = try NIOSSLContext(configuration: tlsConfiguration)
            return tls == .prefer ? .prefer(context) : .require(context)
        }
    }
}
