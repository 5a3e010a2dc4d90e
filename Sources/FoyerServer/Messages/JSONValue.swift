/// Any JSON value a tracker sends as a command's argument (`a` of an `api` frame), kept
/// as parsed so the command's owner checks it against its own rules.
///
/// Nesting is limited: a value more than ``maxDepth`` levels below the message's root
/// does not decode (``TooDeep``), so a visitor cannot make the server recurse deeply.
enum JSONValue: Decodable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys in no particular order (JSON objects have none).
    case object([String: JSONValue])

    /// The deepest level a value may sit at, counted from the message's root: `a` itself
    /// is at 1, so it may hold arrays and objects three levels deep.
    static let maxDepth = 4

    /// A value nested deeper than ``maxDepth``.
    struct TooDeep: Error, Equatable {}

    init(from decoder: any Decoder) throws {
        guard decoder.codingPath.count <= Self.maxDepth else { throw TooDeep() }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = Self.nested([JSONValue].self, container) {
            self = .array(try value.get())
        } else if let value = Self.nested([String: JSONValue].self, container) {
            self = .object(try value.get())
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// A container's value as `type`: nil when it is not one, a failure when it is one
    /// whose contents failed (too deep), so that reason is not lost.
    private static func nested<T: Decodable>(_ type: T.Type, _ container: any SingleValueDecodingContainer) -> Result<T, any Error>? {
        do {
            return .success(try container.decode(type))
        } catch let error as TooDeep {
            return .failure(error)
        } catch {
            return nil
        }
    }

    /// The text, when this is a string.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The members, when this is an object.
    var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The JSON type's name, for refusal reasons.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
