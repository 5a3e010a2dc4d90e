// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The server module's topic folders, each with a README saying its job and what it may use.
let serverFolders = ["App", "Connection", "Tracker", "Feed", "Site", "Auth", "Chat", "Cluster", "Live", "Messages", "Location", "Configuration", "Support"]

/// The commit `foyer --version` names: `FOYER_COMMIT` when set (builds from a source
/// tree without .git, such as the Dockerfile's), else the checkout's HEAD.
let buildCommit: String = {
    if let given = Context.environment["FOYER_COMMIT"], !given.isEmpty {
        return String(given.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }.prefix(40))
    }
    guard let git = Context.gitInformation else { return "unknown" }
    return String(git.currentCommit.prefix(12)) + (git.hasUncommittedChanges ? "-dirty" : "")
}()

let package = Package(
    name: "foyer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "foyer", targets: ["foyer"]),
        .executable(name: "foyer-load", targets: ["FoyerLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(name: "FoyerCore", swiftSettings: swiftSettings),
        .target(name: "FoyerBuildInfo", cSettings: [.define("FOYER_COMMIT", to: "\"\(buildCommit)\"")]),
        // zlib's gzip reader, for the city database `--geo-download` fetches (.mmdb.gz).
        .target(name: "FoyerGunzip", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "FoyerGeo",
            dependencies: [
                "FoyerCore", "FoyerGunzip",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FoyerStore",
            dependencies: [
                "FoyerCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FoyerServer",
            dependencies: [
                "FoyerCore", "FoyerGeo", "FoyerStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: serverFolders.map { "\($0)/README.md" },
            resources: [.copy("Public")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "foyer",
            dependencies: [
                "FoyerServer", "FoyerGeo", "FoyerStore", "FoyerCore", "FoyerBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FoyerLoad",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/FoyerLoad",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FoyerGeoBench",
            dependencies: ["FoyerGeo", "FoyerCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Benchmarks/GeoBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FoyerCoreTests",
            dependencies: ["FoyerCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "FoyerGeoTests", dependencies: ["FoyerGeo", "FoyerCore"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        // Shared by the test targets: a PostgreSQL database of a test's own.
        .target(
            name: "FoyerTestSupport",
            dependencies: ["FoyerStore", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/FoyerTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FoyerStoreTests",
            dependencies: ["FoyerStore", "FoyerCore", "FoyerTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FoyerServerTests",
            dependencies: [
                "FoyerServer", "FoyerStore", "FoyerCore", "FoyerTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
