/// Why a MaxMind-format database could not be opened or read.
///
/// The description names the file, so an operator sees at once which setting to fix:
/// `GeoIP database /x/y.mmdb: metadata marker not found`.
/// Two errors compare equal when they are of the same kind, whatever the file.
public struct GeoDatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case cannotOpen
        case notAFile
        case metadataNotFound
        case invalidMetadata
        case unsupportedFormat
        case corruptSearchTree
        case corruptData
        case ipv6InIPv4Database
    }

    private let code: Code
    /// The database file's path, as configured.
    public let path: String
    /// What is wrong, in words.
    public let reason: String

    private init(_ code: Code, path: String = "", reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { "GeoIP database \(path): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// The file is missing, unreadable or cannot be mapped.
    public static var cannotOpen: Self { .init(.cannotOpen, reason: "cannot open") }
    /// The path names a directory or another non-regular file, or an empty file.
    public static var notAFile: Self { .init(.notAFile, reason: "not a database file") }
    /// No metadata marker in the file's last 128 KiB: truncated, or not an .mmdb file.
    public static var metadataNotFound: Self { .init(.metadataNotFound, reason: "metadata marker not found") }
    /// The metadata section is unreadable or lacks a required field.
    public static var invalidMetadata: Self { .init(.invalidMetadata, reason: "invalid metadata") }
    /// A binary format version or record size this reader does not know.
    public static var unsupportedFormat: Self { .init(.unsupportedFormat, reason: "unsupported format") }
    /// The search tree points outside the file.
    public static var corruptSearchTree: Self { .init(.corruptSearchTree, reason: "corrupt search tree") }
    /// A record in the data section is malformed.
    public static var corruptData: Self { .init(.corruptData, reason: "corrupt data section") }
    /// An IPv6 address was looked up in an IPv4-only database.
    public static var ipv6InIPv4Database: Self {
        .init(.ipv6InIPv4Database, reason: "IPv6 address looked up in an IPv4-only database")
    }

    /// The same kind of error for a given file, with a more precise reason.
    func at(_ path: String, _ reason: String? = nil) -> Self {
        .init(code, path: path, reason: reason ?? self.reason)
    }
}
