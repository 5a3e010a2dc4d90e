/// Makes visitor-supplied URLs safe to store and show.
///
/// Query strings and fragments often carry tokens and ids, and user-info carries
/// credentials, so all three are removed before a URL is stored or sent to a dashboard.
public enum URLSanitizer {
    /// Longest URL kept, in characters (after sanitising).
    public static let maxURLCharacters = 2048

    /// Why a URL was refused.
    public enum Failure: Error, Sendable, Equatable {
        case notHTTP
        case missingHost
        case tooLong
    }

    /// Returns the URL without query string, fragment and user-info.
    /// Only absolute `http:` and `https:` URLs are accepted.
    public static func sanitize(_ raw: String) -> Result<String, Failure> {
        var text = Substring(raw.trimmingSpaces())
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = text[..<cut]
        }
        let lower = text.prefix(8).lowercased()
        let schemeLength: Int
        if lower.hasPrefix("https://") {
            schemeLength = 8
        } else if lower.hasPrefix("http://") {
            schemeLength = 7
        } else {
            return .failure(.notHTTP)
        }
        let afterScheme = text.dropFirst(schemeLength)
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0.isNewline }) else {
            return .failure(.missingHost)
        }
        let scheme = schemeLength == 8 ? "https://" : "http://"
        let result = scheme + authority.lowercased() + afterScheme[authorityEnd...]
        guard result.count <= maxURLCharacters else { return .failure(.tooLong) }
        return .success(result)
    }

    /// Sanitises a referrer: like ``sanitize(_:)`` but anything that is not an
    /// http(s) URL becomes `""` (a direct visit) instead of an error.
    public static func referrer(_ raw: String) -> String {
        (try? sanitize(raw).get()) ?? ""
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
