/// Bounds for visitor-supplied text fields.
public enum TextLimits {
    /// Longest page title kept, in characters; longer titles are cut, not refused.
    public static let maxTitleCharacters = 300
    /// Longest browser language tag kept (BCP 47 tags are at most 35 characters).
    public static let maxLanguageCharacters = 35
    /// Longest timezone name kept.
    public static let maxTimezoneCharacters = 64

    /// Cuts `text` to `limit` characters and drops control characters, so a title can
    /// never break a row's layout or smuggle terminal escapes into logs, and invisible
    /// characters (``isInvisible(_:)``), so a title cannot pose as another
    /// ("\u{202E}gnp.exe" shows as "exe.png").
    public static func clean(_ text: String, limit: Int) -> String {
        var result = ""
        result.reserveCapacity(min(text.utf8.count, limit))
        var count = 0
        for character in text {
            if count == limit { break }
            if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                if character.isWhitespace { result.append(" "); count += 1 }
                continue
            }
            if character.unicodeScalars.contains(where: isInvisible) {
                // Keep what is visible of it (a joiner inside an emoji is not the problem).
                let visible = character.unicodeScalars.filter { !isInvisible($0) }
                guard !visible.isEmpty else { continue }
                var kept = String.UnicodeScalarView()
                kept.append(contentsOf: visible)
                result.append(String(kept))
            } else {
                result.append(character)
            }
            count += 1
        }
        return result
    }

    /// Bidirectional controls (embeddings, overrides, isolates, marks) and zero-width
    /// characters outside a visible character: they change how the text around them
    /// reads without being seen. Zero-width joiners inside a character (emoji
    /// sequences, Indic and Persian text) belong to it and are kept by ``clean(_:limit:)``.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true  // bidirectional controls
        case 0x200B, 0x2060...0x2064, 0xFEFF, 0x180E: true  // zero-width space, word joiner, invisible operators, BOM
        default: false
        }
    }

    /// A timezone is kept only if it looks like an IANA name (`Area/City`, `UTC`).
    public static func timezone(_ text: String) -> String {
        guard text.utf8.count <= maxTimezoneCharacters,
            text.utf8.allSatisfy({ byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2F || byte == 0x5F || byte == 0x2D || byte == 0x2B
            })
        else { return "" }
        return text
    }

    /// A language tag is kept only if it looks like BCP 47 (`en-US`).
    public static func language(_ text: String) -> String {
        guard text.utf8.count <= maxLanguageCharacters,
            text.utf8.allSatisfy({ byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
            })
        else { return "" }
        return text
    }
}
