/// Highest-random-weight (rendezvous) hashing: which node an account prefers.
///
/// Every node computes the same answer from the same list of nodes with no coordination,
/// and a node joining or leaving changes the preference of only the accounts it wins or
/// held (about 1/N of them), never a reshuffle of the rest. The weights come from FNV-1a
/// and SplitMix64's mixer, not Swift's `Hasher`, which is seeded per process.
public enum RendezvousHash {
    /// The node `key` prefers among `nodes`; nil when there are none.
    public static func preferred(for key: String, among nodes: [Int64]) -> Int64? {
        let base = fingerprint(key)
        var best: (node: Int64, weight: UInt64)?
        for node in nodes {
            let weight = self.weight(base, node)
            // Ties (practically never) go to the smaller id, so the answer does not depend
            // on the order the nodes were listed in.
            if let current = best, weight < current.weight || (weight == current.weight && node > current.node) { continue }
            best = (node, weight)
        }
        return best?.node
    }

    /// FNV-1a over the key's UTF-8 bytes.
    static func fingerprint(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func weight(_ fingerprint: UInt64, _ node: Int64) -> UInt64 {
        var state = fingerprint ^ (UInt64(bitPattern: node) &* 0x9e37_79b9_7f4a_7c15)
        return SplitMix64.step(&state)
    }
}
