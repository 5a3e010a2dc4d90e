/// The metadata section of a MaxMind DB file.
public struct MaxMindMetadata: Sendable, Hashable {
    public var nodeCount: Int
    /// Bits per search-tree record: 24, 28 or 32.
    public var recordSize: Int
    /// 4 for IPv4-only trees, 6 for trees that hold IPv6 (and IPv4 under `::/96`).
    public var ipVersion: Int
    public var databaseType: String
    public var languages: [String]
    public var binaryFormatMajorVersion: Int
    public var binaryFormatMinorVersion: Int
    /// Seconds since 1970 when the file was built.
    public var buildEpoch: UInt64
    /// Description by language code.
    public var description: [String: String]

    /// Size of the search tree in bytes.
    var searchTreeSize: Int { nodeCount * recordSize / 4 }

    init(_ value: MaxMindValue) throws(DecodeFailure) {
        guard case .map = value else { throw DecodeFailure("metadata is not a map") }
        func integer(_ key: String) throws(DecodeFailure) -> Int {
            guard let number = value[key]?.intValue, number >= 0 else {
                throw DecodeFailure("metadata field \(key) missing or not a number")
            }
            return number
        }
        nodeCount = try integer("node_count")
        recordSize = try integer("record_size")
        ipVersion = try integer("ip_version")
        binaryFormatMajorVersion = try integer("binary_format_major_version")
        binaryFormatMinorVersion = (try? integer("binary_format_minor_version")) ?? 0
        switch value["build_epoch"] {
        case .uint64(let epoch): buildEpoch = epoch
        case let other: buildEpoch = UInt64(other?.intValue ?? 0)
        }
        databaseType = value["database_type"]?.stringValue ?? ""
        if case .array(let items) = value["languages"] {
            languages = items.compactMap(\.stringValue)
        } else {
            languages = []
        }
        if case .map(let entries) = value["description"] {
            description = entries.compactMapValues(\.stringValue)
        } else {
            description = [:]
        }
    }
}
