import FoyerCore
import Testing

@Suite("URL sanitiser")
struct URLSanitizerTests {
    @Test(arguments: [
        ("https://shop.example/cart?token=secret#step2", "https://shop.example/cart"),
        ("HTTP://Shop.Example/A?b", "http://shop.example/A"),
        ("https://user:pass@shop.example/x", "https://shop.example/x"),
        ("https://shop.example#frag", "https://shop.example"),
        ("  https://shop.example/  ", "https://shop.example/"),
    ])
    func stripsQueryFragmentAndCredentials(raw: String, expected: String) {
        #expect(URLSanitizer.sanitize(raw) == .success(expected))
    }

    @Test(arguments: ["javascript:alert(1)", "data:text/html,hi", "ftp://x/", "/relative", "https://", "https:// /x"])
    func refusesNonHTTP(raw: String) {
        #expect((try? URLSanitizer.sanitize(raw).get()) == nil)
    }

    @Test func refusesOverlongURLs() {
        let long = "https://shop.example/" + String(repeating: "a", count: 3000)
        #expect(URLSanitizer.sanitize(long) == .failure(.tooLong))
    }

    @Test func referrerFallsBackToDirect() {
        #expect(URLSanitizer.referrer("android-app://com.google") == "")
        #expect(URLSanitizer.referrer("https://www.google.com/search?q=me") == "https://www.google.com/search")
    }

    @Test func cleansTitles() {
        let title = String(repeating: "é", count: 400) + "\u{1b}[31m"
        #expect(TextLimits.clean(title, limit: 300).count == 300)
        #expect(TextLimits.clean("a\u{0}b\nc", limit: 10) == "ab c")
        #expect(TextLimits.timezone("Europe/Istanbul") == "Europe/Istanbul")
        #expect(TextLimits.timezone("<script>") == "")
        #expect(TextLimits.language("en-US") == "en-US")
        #expect(TextLimits.language("en US;") == "")
    }
}
