/// Hands out `Visitor N` numbers: always the smallest positive number not in use.
///
/// Freed numbers are kept sorted, so taking the smallest is O(1) and releasing is a
/// binary insertion; the pool never grows beyond the highest number ever in use.
public struct NumberPool: Sendable, Hashable, Codable {
    /// The next never-used number.
    private var next = 1
    /// Released numbers below `next`, sorted descending so the smallest is `last`.
    private var freed: [Int] = []

    public init() {}

    /// Rebuilds a pool from the numbers in use (after a restart).
    public init<S: Sequence>(inUse: S) where S.Element == Int {
        let used = Set(inUse)
        next = (used.max() ?? 0) + 1
        freed = (1..<next).filter { !used.contains($0) }.reversed()
    }

    /// Takes the smallest free number.
    public mutating func take() -> Int {
        if let smallest = freed.popLast() { return smallest }
        defer { next += 1 }
        return next
    }

    /// The number `take()` would return, without taking it.
    public var peek: Int { freed.last ?? next }

    /// Gives a number back for reuse.
    public mutating func release(_ number: Int) {
        precondition(number > 0 && number < next, "released a number that was never taken")
        if number == next - 1 {
            // Shrink instead of keeping a tail of free numbers.
            next -= 1
            while let last = freed.first, last == next - 1 {
                freed.removeFirst()
                next -= 1
            }
            return
        }
        // Descending order: find the first index whose value is smaller.
        var low = 0
        var high = freed.count
        while low < high {
            let mid = (low + high) / 2
            if freed[mid] > number { low = mid + 1 } else { high = mid }
        }
        precondition(low == freed.count || freed[low] != number, "number \(number) released twice")
        freed.insert(number, at: low)
    }
}
