import Crypto

/// The salted hash under which a browser id is remembered; the id itself is never stored.
struct BrowserHasher: Sendable {
    private let salt: [UInt8]
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init(salt: String) {
        self.salt = Array(salt.utf8)
    }

    /// 32 hex digits, distinct per account for the same browser.
    func hash(_ browserID: String, accountID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((accountID + ":" + browserID).utf8), using: SymmetricKey(data: salt))
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
