/// The limits of the public script API (SPEC section 11), checked on the server: a
/// command that breaks one is refused with the reason given here and changes nothing.
///
/// Visitor text (ids, names, emails, string values) is cleaned like titles
/// (``TextLimits/clean(_:limit:)``): control and invisible characters are dropped.
public enum ProfileRules {
    /// Custom attributes per entry, in all.
    public static let maxAttributes = 30
    /// Attribute and event names: 1 to this many characters.
    public static let maxNameCharacters = 40
    /// String values (and the text of numbers): at most this many characters.
    public static let maxValueCharacters = 200
    /// `identify`'s `id`: 1 to this many characters.
    public static let maxIDCharacters = 200
    /// `identify`'s `name`.
    public static let maxDisplayNameCharacters = 100
    /// `identify`'s `email` (RFC 5321's longest path).
    public static let maxEmailCharacters = 254
    /// `identify`'s `hash`: the hex of an HMAC-SHA256.
    public static let hashHexCharacters = 64
    /// UTF-8 bytes allowed per character of a limit. Characters are what people count,
    /// but one character can carry any number of combining marks: without a byte bound a
    /// single 200-character value could fill a whole frame, and 30 of them half a
    /// megabyte per entry, sent to every dashboard on every change.
    public static let bytesPerCharacter = 4

    /// Whether `text` is within `characters` characters and their bytes.
    static func fits(_ text: String, characters: Int) -> Bool {
        text.utf8.count <= characters * bytesPerCharacter && text.count <= characters
    }

    /// Whether `name` may name an attribute or an event: 1–40 characters, each an ASCII
    /// letter or digit, `_`, `-`, `.` or a space, not only spaces.
    public static func isName(_ name: String) -> Bool {
        guard (1...maxNameCharacters).contains(name.utf8.count) else { return false }
        var visible = false
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                visible = true
            case UInt8(ascii: " "):
                break
            default:
                return false
            }
        }
        return visible
    }

    /// The reason a name is refused.
    public static let nameRule = "names are 1-40 characters: letters, digits, _ - . and spaces"

    /// A string value checked and cleaned, or the reason it is refused.
    public static func value(_ text: String) -> Result<String, Refusal> {
        guard fits(text, characters: maxValueCharacters) else { return .failure(Refusal("value too long (max \(maxValueCharacters) characters)")) }
        return .success(TextLimits.clean(text, limit: maxValueCharacters))
    }

    /// A number value, refused unless finite.
    public static func number(_ number: Double) -> Result<Double, Refusal> {
        number.isFinite ? .success(number) : .failure(Refusal("numbers must be finite"))
    }

    /// `identify`'s fields checked and cleaned: the profile (attributes empty; the
    /// caller keeps the entry's own) and the hash to verify, or the first rule broken.
    public static func identity(id: String?, name: String?, email: String?, hash: String?) -> Result<(VisitorProfile, hash: String?), Refusal> {
        guard let id else { return .failure(Refusal("id is required")) }
        let cleanID = TextLimits.clean(id, limit: maxIDCharacters + 1).trimmingSpaces()
        guard !cleanID.isEmpty, fits(id, characters: maxIDCharacters) else { return .failure(Refusal("id must be 1-\(maxIDCharacters) characters")) }
        var cleanName: String?
        if let name {
            guard fits(name, characters: maxDisplayNameCharacters) else { return .failure(Refusal("name too long (max \(maxDisplayNameCharacters) characters)")) }
            let cleaned = TextLimits.clean(name, limit: maxDisplayNameCharacters).trimmingSpaces()
            cleanName = cleaned.isEmpty ? nil : String(cleaned)
        }
        var cleanEmail: String?
        if let email, !email.isEmpty {
            guard fits(email, characters: maxEmailCharacters) else { return .failure(Refusal("email too long (max \(maxEmailCharacters) characters)")) }
            guard isPlausibleEmail(email) else { return .failure(Refusal("email is not an address")) }
            cleanEmail = email
        }
        if let hash {
            guard hash.utf8.count == hashHexCharacters, hash.utf8.allSatisfy(isHexDigit) else {
                return .failure(Refusal("hash must be \(hashHexCharacters) hex digits (HMAC-SHA256 of id)"))
            }
        }
        return .success((VisitorProfile(id: String(cleanID), name: cleanName, email: cleanEmail), hash?.lowercased()))
    }

    /// One `@` between a non-empty local part and a domain with a dot; no spaces,
    /// controls or invisible characters anywhere.
    public static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3 else { return false }
        let domain = parts[1]
        guard domain.contains("."), domain.first != ".", domain.last != "." else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && !scalar.properties.isWhitespace
                && scalar.properties.generalCategory != .control && scalar.properties.generalCategory != .format
                && !TextLimits.isInvisible(scalar)
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    /// Why a command was refused, as the tracker is told (`{"t":"refused","reason":…}`).
    public struct Refusal: Error, Sendable, Equatable {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
    }
}
