@testable import FoyerCore
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

    @Test func overlongURLsSayTooLongNotNotHTTP() {
        let long = "https://shop.example/" + String(repeating: "a", count: 2_100)
        #expect(URLSanitizer.sanitize(long) == .failure(.tooLong))
        #expect(URLSanitizer.Failure.tooLong.reason == "url too long")
        #expect(URLSanitizer.Failure.notHTTP.reason == "url must be http(s)")
        // A 2,048-character query string is cut, not refused.
        #expect(URLSanitizer.sanitize("https://shop.example/?" + String(repeating: "q", count: 3_000)) == .success("https://shop.example/"))
    }

    @Test func pathsArePlainASCIIAsABrowserWritesThem() {
        // "\u{202E}gnp.exe" would read as "exe.png" on a dashboard.
        #expect(URLSanitizer.sanitize("https://shop.example/\u{202E}gnp.exe") == .success("https://shop.example/%E2%80%AEgnp.exe"))
        #expect(URLSanitizer.sanitize("https://shop.example/a\u{200B}b c") == .success("https://shop.example/a%E2%80%8Bb%20c"))
        #expect(URLSanitizer.sanitize("https://shop.example/%E2%82%AC") == .success("https://shop.example/%E2%82%AC"), "already encoded stays")
        #expect(URLSanitizer.sanitize("https://shöp.example/") == .failure(.missingHost), "browsers send hosts in punycode")
        #expect(URLSanitizer.referrer("https://evil.example/\u{202E}fdp.exe") == "https://evil.example/%E2%80%AEfdp.exe")
        // Encoded, 700 four-byte characters are 8,400 characters: too long, whatever they looked like.
        #expect(URLSanitizer.sanitize("https://shop.example/" + String(repeating: "\u{1F600}", count: 700)) == .failure(.tooLong))
    }

    @Test func titlesLoseInvisibleAndBidirectionalCharacters() {
        #expect(TextLimits.clean("\u{202E}gnp.exe", limit: 300) == "gnp.exe")
        #expect(TextLimits.clean("Pri\u{200B}cing\u{2066}x\u{2069}\u{FEFF}", limit: 300) == "Pricingx")
        #expect(TextLimits.clean("a\u{200F}b\u{202A}c\u{202C}", limit: 300) == "abc")
        // Joiners inside an emoji or a Persian word belong to the character: kept.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        #expect(TextLimits.clean("Hi " + family, limit: 300) == "Hi " + family)
        #expect(TextLimits.clean("\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}", limit: 300).unicodeScalars.contains("\u{200C}"))
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

@Suite("URL sanitiser, ASCII path")
struct URLSanitizerASCIITests {
    /// Random ASCII text built from URL pieces and every awkward byte (controls, CR LF,
    /// spaces, `?`, `#`, `@`, `/`, upper case, DEL): the byte path gives exactly what the
    /// `Character` path gives.
    @Test func theBytePathAgreesWithTheCharacterPath() throws {
        var random = SplitMix64(seed: 2026)
        let pieces = [
            "https://", "http://", "HTTPS://", "hTTp://", "https:/", "ftp://", "//", "/", "?", "#", "@", ":", "\r\n", "\r", "\n",
            "\t", " ", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{00}", "\u{7F}", "Shop.Example", "user:pw", "a", "Z", "%41",
            "/p/1", "x y", "..", "~",
        ]
        let schemes = ["https://", "http://", "HTTPS://", "hTTp://", " https://", "\r\nhttp://", "\t HTTP://u@"]
        var tried = 0
        var succeeded = 0
        for _ in 0..<20_000 {
            let count = Int(random.next() % 9)
            var raw = (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            // Most start like a URL, so both answers are tried often.
            if random.next() % 4 != 0 { raw = schemes[Int(random.next() % UInt64(schemes.count))] + "Shop.example" + raw }
            let ascii = try #require(URLSanitizer.sanitizeASCII(raw))
            #expect(ascii == URLSanitizer.sanitizeUnicode(raw), "\(raw.debugDescription)")
            tried += 1
            if case .success = ascii { succeeded += 1 }
        }
        #expect(succeeded > 1_000 && succeeded < tried - 1_000, "both answers tested: \(succeeded) of \(tried)")
        // Lengths around the limit, and every single byte after a host.
        for length in 2_040...2_050 {
            let raw = "https://shop.example/" + String(repeating: "b", count: length - 21)
            #expect(URLSanitizer.sanitizeASCII(raw) == URLSanitizer.sanitizeUnicode(raw))
            let encoded = "https://shop.example/" + String(repeating: " ", count: (length - 21) / 3)
            #expect(URLSanitizer.sanitizeASCII(encoded) == URLSanitizer.sanitizeUnicode(encoded))
        }
        for byte in UInt8(0)..<0x80 {
            let raw = "https://shop.example/a" + String(UnicodeScalar(byte)) + "b"
            #expect(URLSanitizer.sanitizeASCII(raw) == URLSanitizer.sanitizeUnicode(raw), "byte \(byte)")
        }
    }

    @Test func anyOtherTextTakesTheCharacterPath() {
        #expect(URLSanitizer.sanitizeASCII("https://shop.example/caf\u{E9}") == nil)
        #expect(URLSanitizer.sanitize("https://shop.example/caf\u{E9}") == .success("https://shop.example/caf%C3%A9"))
    }
}
