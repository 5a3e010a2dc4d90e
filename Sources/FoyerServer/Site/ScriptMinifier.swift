/// Shrinks Foyer's own scripts for serving: drops comments and every space a JavaScript
/// parser does not need, and keeps a line break only where automatic semicolon
/// insertion could depend on it. Asked to, it also gives the local names of a script
/// wrapped in one function (`(() => { … })();`) one- or two-letter names
/// (``Renaming``); otherwise it renames nothing.
///
/// It tokenizes just enough to be safe on the scripts it is given: string literals
/// (`'`, `"` and template literals without nested templates inside `${}`), comments,
/// and regular expression literals, told from division by the token before the `/`.
enum ScriptMinifier {
    /// One token of the source and the whitespace (or comments) before it.
    struct Token {
        var bytes: ArraySlice<UInt8>
        var gap: Gap
        var isIdentifier: Bool { bytes.first.map(ScriptMinifier.isIdentifier) ?? false }
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The minified script, ending with one line break. `renamingLocals` shortens the
    /// names declared inside the script (see ``Renaming`` for what it must not contain).
    static func minify(_ source: [UInt8], renamingLocals: Bool = false) -> [UInt8] {
        var tokens = tokenize(source)
        if renamingLocals { tokens = Renaming(tokens).renamed() }
        var output: [UInt8] = []
        output.reserveCapacity(source.count)
        for token in tokens {
            if let last = output.last, let first = token.bytes.first {
                if token.gap == .lineBreak && !endsExpression.contains(last) && !continuesStatement.contains(first) {
                    output.append(.newline)
                } else if token.gap != .none && mustSeparate(last, first) {
                    output.append(.space)
                }
            }
            output.append(contentsOf: token.bytes)
        }
        output.append(.newline)
        return output
    }

    /// The source's tokens: identifiers and literals whole, other characters one by one.
    static func tokenize(_ source: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        // Whitespace (or a comment) seen since the last token: none, a space, or a line break.
        var gap = Gap.none

        func emit(_ bytes: ArraySlice<UInt8>) {
            tokens.append(Token(bytes: bytes, gap: gap))
            gap = .none
        }

        while index < source.count {
            let byte = source[index]
            let next = index + 1 < source.count ? source[index + 1] : 0
            if byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn {
                if byte == .newline { gap = .lineBreak } else if gap == .none { gap = .space }
                index += 1
            } else if byte == .slash && next == .slash {
                while index < source.count && source[index] != .newline { index += 1 }
                if gap == .none { gap = .space }
            } else if byte == .slash && next == .star {
                let start = index
                index += 2
                while index + 1 < source.count && !(source[index] == .star && source[index + 1] == .slash) { index += 1 }
                index = min(index + 2, source.count)
                if source[start..<index].contains(.newline) { gap = .lineBreak } else if gap == .none { gap = .space }
            } else if byte == .quote || byte == .apostrophe || byte == .backtick {
                let end = closing(byte, in: source, from: index + 1)
                emit(source[index..<end])
                index = end
            } else if byte == .slash, let last = tokens.last?.bytes.last, !isIdentifier(last), last != .closeParen, last != .closeBracket {
                let end = regularExpressionEnd(in: source, from: index + 1)
                emit(source[index..<end])
                index = end
            } else if isIdentifier(byte) {
                let start = index
                while index < source.count && isIdentifier(source[index]) { index += 1 }
                emit(source[start..<index])
            } else {
                emit(source[index...index])
                index += 1
            }
        }
        return tokens
    }

    enum Gap { case none, space, lineBreak }

    /// Characters after which a statement cannot end, so a following line break is noise.
    private static let endsExpression: Set<UInt8> = Set("{([,;:=+-*/%&|^!~?<>.".utf8)

    /// Characters that cannot start a statement, so the line break before them is noise.
    /// (`+` and `-` are not here: `a\n++b` is two statements.)
    private static let continuesStatement: Set<UInt8> = Set(")]},;.:?=".utf8)

    /// Whether two tokens would fuse into another token without a space between them.
    private static func mustSeparate(_ last: UInt8, _ first: UInt8) -> Bool {
        (isIdentifier(last) && isIdentifier(first))
            || ((last == .plus || last == .minus) && first == last)
            || (last == .slash && (first == .slash || first == .star))
            || (last == .less && first == .exclamation)
    }

    /// Letters, digits, `_`, `$`, and any non-ASCII byte (part of a Unicode identifier,
    /// or harmlessly kept apart).
    static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte == 0x24 || byte >= 0x80
    }

    /// The index just past the closing quote, skipping escaped characters.
    private static func closing(_ quote: UInt8, in source: [UInt8], from start: Int) -> Int {
        var index = start
        while index < source.count && source[index] != quote {
            index += source[index] == .backslash ? 2 : 1
        }
        return min(index + 1, source.count)
    }

    /// The index just past a regular expression literal's flags; a `/` inside a
    /// character class does not end it.
    private static func regularExpressionEnd(in source: [UInt8], from start: Int) -> Int {
        var index = start
        var inClass = false
        while index < source.count {
            let byte = source[index]
            if byte == .backslash {
                index += 2
                continue
            }
            if byte == .newline { break }
            if byte == .openBracket { inClass = true }
            if byte == .closeBracket { inClass = false }
            index += 1
            if byte == .slash && !inClass { break }
        }
        while index < source.count && isIdentifier(source[index]) { index += 1 }
        return min(index, source.count)
    }
}

extension UInt8 {
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let newline = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let star = UInt8(ascii: "*")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let apostrophe = UInt8(ascii: "'")
    fileprivate static let backtick = UInt8(ascii: "`")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let closeParen = UInt8(ascii: ")")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let less = UInt8(ascii: "<")
    fileprivate static let exclamation = UInt8(ascii: "!")
}
