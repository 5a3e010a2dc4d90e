@testable import FoyerServer
import Testing

@Suite("Script minifier")
struct ScriptMinifierTests {
    private func minify(_ source: String) -> String {
        String(decoding: ScriptMinifier.minify(Array(source.utf8)), as: UTF8.self)
    }

    @Test func dropsCommentsAndSpacesButKeepsStringsIntact() {
        let source = """
            // a comment line
            var a = "x  // not a comment", b = 'y /* nor this */';  /** doc */
            var c = `t  ${a}  u`; // trailing
            """
        #expect(minify(source) == "var a=\"x  // not a comment\",b='y /* nor this */';var c=`t  ${a}  u`;\n")
    }

    @Test func keepsTheSpacesThatSeparateTokens() {
        #expect(minify("return value in list") == "return value in list\n")
        #expect(minify("a = b + +c - -d") == "a=b+ +c- -d\n")
        #expect(minify("x = a < !--b") == "x=a< !--b\n")
    }

    @Test func keepsLineBreaksWhereSemicolonInsertionNeedsThem() {
        // Without the break, `return\nx` would return x and `a\n++b` would be `a++ b`.
        #expect(minify("return\nx") == "return\nx\n")
        #expect(minify("a\n++b") == "a\n++b\n")
        #expect(minify("var f = function () {}\nf()") == "var f=function(){}\nf()\n")
        // Breaks after an operator or before a closing bracket cannot matter.
        #expect(minify("a = b +\n  c;\nfoo(\n  d\n)") == "a=b+c;foo(d)\n")
    }

    @Test func regularExpressionsAreNotComments() {
        #expect(minify(#"s.replace(/[/]\// , "ws") / 2"#) == #"s.replace(/[/]\//,"ws")/2"# + "\n")
        #expect(minify("x = a / b / c") == "x=a/b/c\n")
    }
}
