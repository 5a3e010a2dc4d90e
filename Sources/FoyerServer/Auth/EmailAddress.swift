import Foundation

/// Team members' email addresses as Foyer accepts them: trimmed, lower-cased, at most
/// 254 bytes, one `@` with a dotted domain, and nothing invisible or direction-changing.
///
/// Format characters (Unicode category Cf: zero-width spaces and joiners, the
/// right-to-left override and other bidirectional controls, the BOM) are refused rather
/// than removed: "‮moc.liame@eve" would show an agent a different address than the one
/// stored, and two addresses differing only in invisible characters would look the same.
enum EmailAddress {
    /// The longest address (RFC 5321: 254 octets in a path).
    static let maxBytes = 254

    /// The normalised address, or nil if `raw` is not one Foyer accepts.
    static func normalized(_ raw: String) -> String? {
        // Bounded before any other work: a sign-in may send megabytes.
        guard raw.utf8.count <= maxBytes + 64 else { return nil }
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        return isValid(email) ? email : nil
    }

    /// Whether an already trimmed and lower-cased text is an acceptable address.
    static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= maxBytes else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !text.unicodeScalars.contains { scalar in
            let properties = scalar.properties
            return properties.isWhitespace || properties.generalCategory == .format || properties.generalCategory == .control
                || properties.isBidiControl || properties.isDefaultIgnorableCodePoint || scalar == "<" || scalar == ">"
        }
    }
}
