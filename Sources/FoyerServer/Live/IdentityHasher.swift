import Crypto

/// Keyed hashes of the identities browsers send, so that none is stored as sent.
///
/// A browser's id and a tab's id are random values the visitor's browser keeps; whoever
/// knows a tab's id can resume its entry and read its chat, so the server keeps only a
/// salted HMAC of each (the salt is the store's own secret): a copy of the database, a
/// backup or the cluster's log does not give them away.
struct IdentityHasher: Sendable {
    private let salt: [UInt8]
    private static let hexDigits = Array("0123456789abcdef".utf8)
    /// Tab keys start with this; a tab id as the tracker sends it never contains a dot.
    static let tabKeyPrefix = "t."

    init(salt: String) {
        self.salt = Array(salt.utf8)
    }

    /// The hash under which a browser id is remembered: 32 hex digits, distinct per account.
    func browser(_ browserID: String, accountID: String) -> String {
        hex(accountID + ":" + browserID)
    }

    /// The key under which a tab's entry and chat are kept: `t.` and 32 hex digits.
    func tab(_ tabID: String, accountID: String) -> String {
        Self.tabKeyPrefix + hex(accountID + ":tab:" + tabID)
    }

    /// Whether a stored tab is a tab id kept as sent, by a version before tab keys.
    static func isLegacyTab(_ tab: String) -> Bool { !tab.hasPrefix(tabKeyPrefix) }

    private func hex(_ text: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: salt))
        // Hex by hand: `String(format:)` per byte was a visible share of a hello's cost.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var index = 0
            for byte in mac.prefix(16) {
                buffer[index] = Self.hexDigits[Int(byte >> 4)]
                buffer[index + 1] = Self.hexDigits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }
}
