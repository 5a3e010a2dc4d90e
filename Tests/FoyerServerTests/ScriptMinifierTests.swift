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

    // MARK: Renaming local names

    private func renamed(_ source: String) -> String {
        String(decoding: ScriptMinifier.minify(Array(source.utf8), renamingLocals: true), as: UTF8.self)
    }

    @Test func declaredNamesGetShortNamesTheMostUsedFirst() {
        #expect(renamed("(() => { let socket, count = 0; const send = (message) => socket.send(message); send(count); send(1); })();")
            == "(()=>{let d,b=0,a=c=>d.send(c);a(b);a(1)})();\n", "send (3 uses) first, then ties by name")
        #expect(renamed("(() => { for (const name of list) use(name); })();") == "(()=>{for(let a of list)use(a)})();\n")
        #expect(renamed("(() => { f(function (first, second) { return first + second; }); })();") == "(()=>{f(function(a,b){return a+b})})();\n")
        #expect(renamed("(() => { try {} catch (error) { log(error); } })();") == "(()=>{try{}catch(a){log(a)}})();\n")
        #expect(renamed("(() => { let x = 1; })();") == renamed("(() => { let x = 1; })();"), "deterministic")
    }

    @Test func shortNamesNeverTakeANameTheScriptUses() {
        // `a` is a global the script reads: the local may not become `a`.
        #expect(renamed("(() => { const value = 1; a(value); })();") == "(()=>{let b=1;a(b)})();\n")
    }

    @Test func propertiesAfterADotAreNotRenamed() {
        // Renaming `send` in `socket.send` would call a method that does not exist.
        #expect(renamed("(() => { const send = 1; socket.send(send); })();") == "(()=>{let a=1;socket.send(a)})();\n")
        // A spread is not a property.
        #expect(renamed("(() => { for (const args of all) f(...args); })();") == "(()=>{for(let a of all)f(...a)})();\n")
    }

    @Test func objectKeysAreNotRenamed() {
        #expect(renamed("(() => { const send = 1; f({ send: send, t: 2 }); })();") == "(()=>{let a=1;f({send:a,t:2})})();\n")
        #expect(renamed("(() => { const on = 1; f({ on() { return on; } }); })();") == "(()=>{let a=1;f({on(){return a}})})();\n")
        // A ternary's `:` is not a key's.
        #expect(renamed("(() => { const x = 1; f(c ? x : 2, { k: x }); })();") == "(()=>{let a=1;f(c?a:2,{k:a})})();\n")
    }

    @Test func shorthandPropertiesKeepTheirKey() {
        // `{ tab }` renamed to `{ a }` would send `{"a": …}` instead of `{"tab": …}`.
        #expect(renamed("(() => { const tab = 1, vid = 2; send({ t: \"hello\", tab, vid }); })();")
            == "(()=>{let a=1,b=2;send({t:\"hello\",tab:a,vid:b})})();\n")
        // Blocks are not objects: a name alone in a block is renamed.
        #expect(renamed("(() => { const x = 1; if (y) { x; } })();") == "(()=>{let a=1;if(y){a}})();\n")
    }

    @Test func namesUsedInTemplateLiteralsAreNotRenamed() {
        // The literal is one token: `${name}` inside it cannot follow a renaming.
        #expect(renamed("(() => { const name = 1, other = 2; f(`${name}`, other); })();") == "(()=>{let name=1,a=2;f(`${name}`,a)})();\n")
    }

    @Test func withoutRenamingNothingIsRenamed() {
        #expect(minify("(() => { const tab = 1; send({ tab }); })();") == "(()=>{const tab=1;send({tab});})();\n")
    }

    @Test func tighteningKeepsTheMeaning() {
        // `let` for `const`, and one list for consecutive declarations of a block.
        #expect(renamed("(() => { const a1 = 1; let b1 = a1; g(b1); })();") == "(()=>{let a=1,b=a;g(b)})();\n")
        // Not across blocks, nor a `for` head's.
        #expect(renamed("(() => { for (let i1 = 0; i1 < 2; i1++) { g(i1); } let z1 = 1; g(z1); })();")
            == "(()=>{for(let a=0;a<2;a++){g(a)}let b=1;g(b)})();\n")
        // `(x)=>` loses its parentheses; `f(x)=>` would be no arrow and is left alone.
        #expect(renamed("(() => { g((x1) => x1); })();") == "(()=>{g(a=>a)})();\n")
        // A `;` before `}` goes, unless it is an empty statement.
        #expect(renamed("(() => { while (g()); })();") == "(()=>{while(g());})();\n")
        #expect(renamed("(() => { if (g()) h(); else; })();") == "(()=>{if(g())h();else;})();\n")
    }
}
