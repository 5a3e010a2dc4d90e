import Crypto
import Foundation

/// Checks `identify`'s `hash`: the hex of HMAC-SHA256 of the visitor's id (as the page
/// sent it, UTF-8) keyed with the account's identity secret (its 64 hex characters as
/// text, UTF-8 — what `hmac.new(secret.encode(), id.encode(), sha256)` uses).
enum IdentityVerifier {
    /// Whether `hash` (hex, any case) is the HMAC of `id`; compared in constant time.
    /// An account without a secret verifies nothing.
    static func isValid(hash: String, id: String, secret: String) -> Bool {
        guard !secret.isEmpty, let mac = bytes(hex: hash) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(id.utf8), using: SymmetricKey(data: Array(secret.utf8)))
    }

    /// The hex HMAC of `id` with `secret` (tests, documentation examples).
    static func hash(id: String, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(id.utf8), using: SymmetricKey(data: Array(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
