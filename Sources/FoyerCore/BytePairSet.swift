/// The adjacent byte pairs of a text (ASCII letters in lower case), each hashed to one of
/// 1,024 bits.
///
/// A needle can only occur in a text whose set holds every pair of the needle's, so a
/// ``TriggerPattern`` that misses one pair is ruled out without searching. The set of a
/// URL is made once per evaluation and tested against every trigger's pairs; a false
/// "maybe" only costs the search that would have run anyway.
struct BytePairSet {
    private var words: InlineArray<16, UInt64> = .init(repeating: 0)

    init() {}

    /// The set of `text`'s pairs, folding ASCII upper case to lower case.
    init(_ text: String) {
        var previous: UInt8?
        for byte in text.utf8 {
            let lower = Self.lowered(byte)
            if let previous { insert(Self.bit(previous, lower)) }
            previous = lower
        }
    }

    mutating func insert(_ bit: Int) {
        words[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    func contains(_ bit: Int) -> Bool {
        words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The bit of the pair `first`, `second` (both already in lower case): the top ten bits
    /// of a multiplicative hash, so pairs that differ in one letter land far apart.
    static func bit(_ first: UInt8, _ second: UInt8) -> Int {
        Int(truncatingIfNeeded: ((UInt32(first) << 8 | UInt32(second)) &* 0x9E37_79B1) >> 22)
    }

    /// ASCII lower case; other bytes as they are.
    static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }
}
