/// A **Page URL contains** text prepared once for matching: lower-case bytes and the
/// Knuth–Morris–Pratt fallback table, so evaluating a trigger allocates nothing for it.
public struct TriggerPattern: Sendable, Codable, Hashable {
    let needle: [UInt8]
    let fallback: [Int]

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
