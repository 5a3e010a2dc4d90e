import FoyerGeo
import Foundation

/// Paths to the committed test databases and the reference reader's answers.
enum Fixtures {
    static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            fatalError("missing fixture \(name): run scripts/make_geo_fixtures.py")
        }
        return url.path
    }

    static let databaseNames = [
        "city-ipv6-24.mmdb", "ipinfo-ipv4-24.mmdb", "types-ipv6-24.mmdb", "types-ipv6-28.mmdb",
        "types-ipv4-28.mmdb", "types-ipv4-32.mmdb", "handmade-ipv6-28.mmdb", "handmade-ipv4-32.mmdb",
    ]

    /// A fresh empty directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("foyer-geo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Python `maxminddb` output as written by scripts/make_geo_fixtures.py.
struct ReferenceFile: Decodable {
    struct Database: Decodable {
        var metadata: Metadata
        var lookups: [Lookup]
    }

    struct Metadata: Decodable {
        var node_count: Int
        var record_size: Int
        var ip_version: Int
        var database_type: String
        var languages: [String]
        var binary_format_major_version: Int
        var binary_format_minor_version: Int
        var build_epoch: UInt64
        var description: [String: String]
    }

    struct Lookup: Decodable {
        var address: String
        var prefix_length: Int?
        var value: ReferenceValue?
        var error: String?
    }

    var files: [String: Database]

    static let shared: ReferenceFile = {
        let data = FileManager.default.contents(atPath: Fixtures.path("reference.json"))!
        return try! JSONDecoder().decode(ReferenceFile.self, from: data)
    }()
}

/// A value as the reference reader sees it: integers of every width as decimal text,
/// and floats widened to doubles.
indirect enum ReferenceValue: Decodable, Equatable, CustomStringConvertible {
    case string(String)
    case int(String)
    case double(Double)
    case bytes(String)
    case bool(Bool)
    case map([String: ReferenceValue])
    case array([ReferenceValue])

    private enum Tag: String, CodingKey {
        case string, int, double, bytes, bool, map, array
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Tag.self)
        guard let tag = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no tag"))
        }
        switch tag {
        case .string: self = .string(try container.decode(String.self, forKey: tag))
        case .int: self = .int(try container.decode(String.self, forKey: tag))
        case .double: self = .double(try container.decode(Double.self, forKey: tag))
        case .bytes: self = .bytes(try container.decode(String.self, forKey: tag))
        case .bool: self = .bool(try container.decode(Bool.self, forKey: tag))
        case .map: self = .map(try container.decode([String: ReferenceValue].self, forKey: tag))
        case .array: self = .array(try container.decode([ReferenceValue].self, forKey: tag))
        }
    }

    var description: String {
        switch self {
        case .string(let text): "\"\(text.prefix(40))\""
        case .int(let text): text
        case .double(let value): "\(value)"
        case .bytes(let hex): "0x\(hex)"
        case .bool(let value): "\(value)"
        case .map(let entries): "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// A literal address for tests; a typo fails loudly.
func ip(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad test address \(text)") }
    return address
}
