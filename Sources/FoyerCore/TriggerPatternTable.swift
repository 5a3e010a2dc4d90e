/// Every trigger's **Page URL contains** of an account, prepared once when the triggers
/// are set (``AccountRegistry/setTriggers(_:)``): the ``TriggerPattern``s in trigger order,
/// and their byte pairs in one flat array.
///
/// Evaluation tests a trigger's pairs here first, reading plain numbers: a trigger whose
/// text cannot be in the URL is passed over without copying it or its pattern (each copy
/// retained and released its strings and arrays, which cost more than the search itself).
/// Encoded as the plain list of patterns, as the registry stored it before the table.
struct TriggerPatternTable: Sendable, Codable {
    /// Each trigger's pattern, nil for a trigger without the condition.
    let patterns: [TriggerPattern?]
    /// Trigger `i`'s pairs are `pairBits[pairStart[i] ..< pairStart[i + 1]]`; none for a
    /// trigger without the condition or with a one-byte text (nothing to rule out).
    private let pairBits: [UInt16]
    private let pairStart: [Int]

    init(_ patterns: [TriggerPattern?]) {
        self.patterns = patterns
        var bits: [UInt16] = []
        var start = [0]
        start.reserveCapacity(patterns.count + 1)
        for pattern in patterns {
            bits += pattern?.pairs ?? []
            start.append(bits.count)
        }
        pairBits = bits
        pairStart = start
    }

    init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([TriggerPattern?].self))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(patterns)
    }

    /// Whether trigger `index` has pairs to test (a **Page URL contains** of two bytes or more).
    func hasPairs(_ index: Int) -> Bool {
        index + 1 < pairStart.count && pairStart[index] < pairStart[index + 1]
    }

    /// Whether trigger `index`'s text may be in a URL with these pairs: false means it is
    /// not. True for a trigger without pairs to test.
    func mayOccur(_ index: Int, in url: borrowing BytePairSet) -> Bool {
        guard hasPairs(index) else { return true }
        for offset in pairStart[index]..<pairStart[index + 1] where !url.contains(Int(pairBits[offset])) { return false }
        return true
    }
}
