/// Identifiers drawn from a seeded generator (SplitMix64), so every copy of a registry
/// that starts from the same seed and sees the same operations names entries alike —
/// what lets several nodes replay one command log into identical state.
public struct IdentifierSequence: Sendable, Hashable, Codable {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// A seed from the system's random source, for a registry no one replays.
    public static func randomSeed() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }

    /// A seed that every node derives alike from an account and a log position.
    public static func seed(account: String, position: Int64) -> UInt64 {
        // FNV-1a: stable across processes, unlike Swift's per-process seeded Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in account.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash ^ (UInt64(bitPattern: position) &* 0x9e37_79b9_7f4a_7c15)
    }

    private mutating func nextWord() -> UInt64 { SplitMix64.step(&state) }

    /// `prefix` followed by `length` base-62 characters.
    public mutating func next(prefix: String, length: Int = 16) -> String {
        var bytes = Array(prefix.utf8)
        var word = nextWord()
        var left = 10 // 62^10 < 2^64: ten characters per word
        for _ in 0..<length {
            if left == 0 {
                word = nextWord()
                left = 10
            }
            bytes.append(Self.alphabet[Int(word % 62)])
            word /= 62
            left -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `prefix`, then `millis` as 7 base-62 digits, then `randomLength` random ones: ids
    /// that sort by time, so a store keyed by them adds rows at the end of its index
    /// instead of all over it (a burst of new tabs then touches a few pages, not one each).
    public mutating func next(prefix: String, millis: Int64, randomLength: Int = 9) -> String {
        var bytes = Array(prefix.utf8)
        var time = UInt64(max(0, millis))
        var digits = [UInt8](repeating: Self.alphabet[0], count: 7)
        for index in stride(from: 6, through: 0, by: -1) {
            digits[index] = Self.alphabet[Int(time % 62)]
            time /= 62
        }
        bytes += digits
        return next(prefix: String(decoding: bytes, as: UTF8.self), length: randomLength)
    }
}
