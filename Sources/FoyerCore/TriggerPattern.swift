/// A **Page URL contains** text prepared once for matching: lower-case bytes, the
/// Knuth–Morris–Pratt fallback table and the text's byte pairs (``BytePairSet`` bits), so
/// evaluating a trigger allocates nothing for it and most URLs are ruled out without a search.
public struct TriggerPattern: Sendable, Codable, Hashable {
    let needle: [UInt8]
    let fallback: [Int]
    /// The distinct ``BytePairSet`` bits of the needle's adjacent pairs; derived from
    /// `needle`, so not encoded (a registry saved before it existed decodes the same).
    let pairs: [UInt16]

    public init(_ text: String) {
        needle = TriggerEvaluator.lowered(text)
        var fallback = [Int](repeating: 0, count: needle.count)
        var k = 0
        if needle.count > 1 {
            for i in 1..<needle.count {
                while k > 0 && needle[i] != needle[k] { k = fallback[k - 1] }
                if needle[i] == needle[k] { k += 1 }
                fallback[i] = k
            }
        }
        self.fallback = fallback
        pairs = Self.pairs(of: needle)
    }

    private enum CodingKeys: String, CodingKey { case needle, fallback }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        needle = try container.decode([UInt8].self, forKey: .needle)
        fallback = try container.decode([Int].self, forKey: .fallback)
        pairs = Self.pairs(of: needle)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(needle, forKey: .needle)
        try container.encode(fallback, forKey: .fallback)
    }

    private static func pairs(of needle: [UInt8]) -> [UInt16] {
        var seen = BytePairSet()
        var bits: [UInt16] = []
        for (first, second) in zip(needle, needle.dropFirst()) {
            let bit = BytePairSet.bit(first, second)
            guard !seen.contains(bit) else { continue }
            seen.insert(bit)
            bits.append(UInt16(bit))
        }
        return bits
    }

    /// Whether the text may occur in a haystack with these pairs: false means it does not.
    func mayOccur(in haystack: BytePairSet) -> Bool {
        for bit in pairs where !haystack.contains(Int(bit)) { return false }
        return true
    }

    /// Whether the text occurs in `haystack` (lower case), in time linear in both.
    func occurs(in haystack: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        var matched = 0
        for byte in haystack {
            while matched > 0 && byte != needle[matched] { matched = fallback[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }
}
