/// SplitMix64: a small, fast generator whose whole state is one word, so a sequence is
/// reproducible from its seed (entry ids every node derives alike, replayable tests).
/// Not for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 { Self.step(&state) }

    /// Advances `state` and returns the next value: for types that keep the word themselves.
    public static func step(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
