extension ScriptMinifier {
    /// Gives the names a script declares (`let`, `const`, `var`, parameters of arrow
    /// functions, `function`s and `catch`) the shortest names no identifier of the script
    /// uses, the most used first, every occurrence the same (deterministic).
    ///
    /// A name is renamed as a whole, not per scope, so it is safe for a script that keeps
    /// everything in one function and declares no name of a global it also reads
    /// (`const history = …` beside `history.pushState` would break). Left as they are:
    /// a name after `.`, an object key (`{ send: 1 }`, `{ send() {} }`); a shorthand
    /// property (`{ send }`) becomes `{ send: s }`; names used inside a template
    /// literal's `${…}` are not renamed at all (the literal is one token).
    struct Renaming {
        private var tokens: [Token]

        init(_ tokens: [Token]) { self.tokens = tokens }

        private static let keywords: Set<String> = [
            "do", "if", "in", "of", "as", "for", "let", "new", "try", "var", "case", "else", "enum", "this", "void",
            "with", "NaN", "null", "true", "false", "undefined",
        ]

        func renamed() -> [Token] {
            let declared = declaredNames().subtracting(namesInTemplates())
            guard !declared.isEmpty else { return tokens }
            var uses: [String: Int] = [:]
            var taken = Self.keywords
            for token in tokens where token.isIdentifier {
                let name = token.text
                taken.insert(name)
                if declared.contains(name) { uses[name, default: 0] += 1 }
            }
            var names = Self.shortNames(avoiding: taken)
            var map: [String: String] = [:]
            for name in uses.keys.sorted(by: { (uses[$0]!, $1) > (uses[$1]!, $0) }) { map[name] = names.next() }

            var output: [Token] = []
            output.reserveCapacity(tokens.count)
            let objects = objectBraces()
            for (index, token) in tokens.enumerated() {
                guard token.isIdentifier, let short = map[token.text] else {
                    output.append(token)
                    continue
                }
                let previous = index > 0 ? tokens[index - 1].text : ""
                let next = index + 1 < tokens.count ? tokens[index + 1].text : ""
                let spread = index > 2 && tokens[index - 2].text == "." && tokens[index - 3].text == "."
                if previous == "." && !spread {
                    output.append(token)
                } else if objects[index], previous == "{" || previous == "," {
                    switch next {
                    case ":", "(":
                        output.append(token)
                    default:
                        // Shorthand `{ name }`: keep the key, rename the value.
                        output.append(token)
                        output.append(Token(bytes: ArraySlice(":".utf8), gap: .none))
                        output.append(Token(bytes: ArraySlice(short.utf8), gap: .none))
                    }
                } else {
                    output.append(Token(bytes: ArraySlice(short.utf8), gap: token.gap))
                }
            }
            return Self.tightened(output)
        }

        /// Shorter spellings of the same code: `let` for `const`, `x=>` for `(x)=>`, no
        /// `;` before `}`.
        private static func tightened(_ tokens: [Token]) -> [Token] {
            var output: [Token] = []
            output.reserveCapacity(tokens.count)
            var index = 0
            var depth = 0
            // The depth of a `let`/`const` statement not yet ended, so `;let` after it joins it.
            var declaration: Int?
            while index < tokens.count {
                let token = tokens[index]
                let text = token.text
                let previous = output.last?.text
                switch text {
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
                if let level = declaration, depth < level { declaration = nil }
                if (text == "const" || text == "let") && [nil, ";", "{", "}"].contains(previous) {
                    declaration = depth
                }
                if text == ";", declaration == depth, index + 1 < tokens.count, ["let", "const"].contains(tokens[index + 1].text) {
                    // `let a = 1; let b = a` is `let a = 1, b = a`.
                    output.append(Token(bytes: ArraySlice(",".utf8), gap: .none))
                    index += 2
                    continue
                }
                if text == ";", declaration == depth { declaration = nil }
                if text == "const" && previous != "." {
                    output.append(Token(bytes: ArraySlice("let".utf8), gap: token.gap))
                } else if text == ";" && index + 1 < tokens.count && tokens[index + 1].text == "}" && !endsEmptyStatement(output) {
                    // Automatic semicolon insertion puts it back before a `}`.
                } else if text == "(", index + 4 < tokens.count, tokens[index + 1].isIdentifier, tokens[index + 2].text == ")",
                    tokens[index + 3].text == "=", tokens[index + 4].text == ">", previous.map({ !$0.utf8.allSatisfy(ScriptMinifier.isIdentifier) }) ?? true
                {
                    // `(x)=>`: the parameter alone (not after a name: `f(x)=>` is no arrow).
                    output.append(Token(bytes: tokens[index + 1].bytes, gap: token.gap))
                    index += 3
                    continue
                } else {
                    output.append(token)
                }
                index += 1
            }
            return output
        }

        /// Whether a `;` after `tokens` would be an empty statement (`while (x);`,
        /// `else;`), which has no semicolon to insert.
        private static func endsEmptyStatement(_ tokens: [Token]) -> Bool {
            guard let last = tokens.last?.text else { return true }
            if last == "else" || last == "do" { return true }
            guard last == ")" else { return false }
            var depth = 0
            for index in tokens.indices.reversed() {
                switch tokens[index].text {
                case ")": depth += 1
                case "(": depth -= 1
                default: break
                }
                if depth == 0 { return index > 0 && ["if", "while", "for", "with"].contains(tokens[index - 1].text) }
            }
            return true
        }

        /// Whether each token sits directly inside an object literal's (or pattern's) braces.
        private func objectBraces() -> [Bool] {
            var stack: [Bool] = []
            var inside: [Bool] = []
            inside.reserveCapacity(tokens.count)
            for (index, token) in tokens.enumerated() {
                inside.append(stack.last ?? false)
                switch token.text {
                case "{":
                    stack.append(opensObject(at: index))
                case "(", "[":
                    stack.append(false)
                case "}", ")", "]":
                    if !stack.isEmpty { stack.removeLast() }
                default:
                    break
                }
            }
            return inside
        }

        /// Whether the `{` at `index` starts an object literal (or a destructuring
        /// pattern) rather than a block: by the token before it.
        private func opensObject(at index: Int) -> Bool {
            guard index > 0 else { return false }
            let previous = tokens[index - 1].text
            switch previous {
            case ")", ";", "{", "}", "else", "try", "finally", "do":
                return false
            case ">":
                // `=> {` is a function body.
                return !(index > 1 && tokens[index - 2].text == "=")
            default:
                return true
            }
        }

        /// Names declared by `let`/`const`/`var` lists, and parameters.
        private func declaredNames() -> Set<String> {
            var names: Set<String> = []
            var depth = 0
            // Inside a declaration list: its depth, and whether a name comes next.
            var declaration: (depth: Int, expectsName: Bool)?
            for (index, token) in tokens.enumerated() {
                let text = token.text
                switch text {
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
                if let current = declaration {
                    if depth < current.depth || (depth == current.depth && (text == ";" || text == "of" || text == "in")) {
                        declaration = nil
                    } else if current.expectsName {
                        if token.isIdentifier { names.insert(text) }
                        declaration?.expectsName = false
                    } else if depth == current.depth && text == "," {
                        declaration?.expectsName = true
                    }
                }
                switch text {
                case "let", "const", "var":
                    declaration = (depth, true)
                case ">" where index > 0 && tokens[index - 1].text == "=":
                    names.formUnion(arrowParameters(before: index - 1))
                case "function", "catch":
                    names.formUnion(parameters(after: index))
                default:
                    break
                }
            }
            return names
        }

        /// The parameters of an arrow function whose `=>` starts at `arrow`.
        private func arrowParameters(before arrow: Int) -> [String] {
            guard arrow > 0 else { return [] }
            let last = tokens[arrow - 1]
            if last.isIdentifier { return [last.text] }
            guard last.text == ")" else { return [] }
            var depth = 0
            var index = arrow - 1
            while index >= 0 {
                switch tokens[index].text {
                case ")", "]", "}": depth += 1
                case "(", "[", "{": depth -= 1
                default: break
                }
                if depth == 0 { return simpleParameters(from: index) }
                index -= 1
            }
            return []
        }

        /// The parameters in the parentheses after `function [name]` or `catch`.
        private func parameters(after keyword: Int) -> [String] {
            var index = keyword + 1
            if index < tokens.count, tokens[index].isIdentifier { index += 1 }
            guard index < tokens.count, tokens[index].text == "(" else { return [] }
            return simpleParameters(from: index)
        }

        /// Identifiers right after the `(` at `open` or after a `,` at its level.
        private func simpleParameters(from open: Int) -> [String] {
            var names: [String] = []
            var depth = 0
            var index = open
            while index < tokens.count {
                let text = tokens[index].text
                switch text {
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
                if depth == 0 { break }
                if depth == 1, tokens[index].isIdentifier, ["(", ","].contains(tokens[index - 1].text) { names.append(text) }
                index += 1
            }
            return names
        }

        /// Every identifier-like word inside template literals (their `${…}` included).
        private func namesInTemplates() -> Set<String> {
            var names: Set<String> = []
            for token in tokens where token.bytes.first == UInt8(ascii: "`") {
                var word: [UInt8] = []
                for byte in token.bytes.dropFirst() {
                    if ScriptMinifier.isIdentifier(byte) {
                        word.append(byte)
                    } else if !word.isEmpty {
                        names.insert(String(decoding: word, as: UTF8.self))
                        word = []
                    }
                }
            }
            return names
        }

        /// `a`…`z`, `A`…`Z`, then two letters, skipping what is taken.
        private static func shortNames(avoiding taken: Set<String>) -> some IteratorProtocol<String> {
            let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").map(String.init)
            let all = letters + letters.flatMap { first in letters.map { first + $0 } }
            return all.lazy.filter { !taken.contains($0) }.makeIterator()
        }
    }
}
