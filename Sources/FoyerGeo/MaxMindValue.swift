/// A value decoded from a MaxMind DB data section, keeping the format's own types.
public enum MaxMindValue: Sendable, Hashable {
    case string(String)
    case double(Double)
    case bytes([UInt8])
    case uint16(UInt16)
    case uint32(UInt32)
    case map([String: MaxMindValue])
    case int32(Int32)
    case uint64(UInt64)
    case uint128(UInt128)
    case array([MaxMindValue])
    case boolean(Bool)
    case float(Float)

    /// The value under `key` when this is a map.
    public subscript(key: String) -> MaxMindValue? {
        if case .map(let entries) = self { return entries[key] }
        return nil
    }

    /// The text when this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Any unsigned or signed integer that fits in `Int`.
    public var intValue: Int? {
        switch self {
        case .uint16(let value): Int(value)
        case .uint32(let value): Int(value)
        case .int32(let value): Int(value)
        case .uint64(let value): Int(exactly: value)
        case .uint128(let value): Int(exactly: value)
        default: nil
        }
    }
}
