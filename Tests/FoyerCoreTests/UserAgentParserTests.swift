import FoyerCore
import Testing

/// The User-Agent table on real, current strings (late 2024 – 2025 releases).
@Suite("User-Agent parsing")
struct UserAgentParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let userAgent: String
        let type: DeviceType
        let browser: String
        let os: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "Chrome on Windows",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            type: .desktop, browser: "Chrome 131", os: "Windows"),
        Case(
            label: "Chrome on macOS",
            userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            type: .desktop, browser: "Chrome 131", os: "macOS"),
        Case(
            label: "Chrome on Linux",
            userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            type: .desktop, browser: "Chrome 130", os: "Linux"),
        Case(
            label: "Chrome on ChromeOS",
            userAgent: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            type: .desktop, browser: "Chrome 131", os: "ChromeOS"),
        Case(
            label: "Chrome on Android (reduced UA)",
            userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
            type: .mobile, browser: "Chrome 131", os: "Android 10"),
        Case(
            label: "Chrome on an Android tablet",
            userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Safari/537.36",
            type: .tablet, browser: "Chrome 131", os: "Android 10"),
        Case(
            label: "Chrome on iPhone",
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
            type: .mobile, browser: "Chrome 131", os: "iOS 18"),
        Case(
            label: "Firefox on Windows",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            type: .desktop, browser: "Firefox 133", os: "Windows"),
        Case(
            label: "Firefox on macOS",
            userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
            type: .desktop, browser: "Firefox 133", os: "macOS"),
        Case(
            label: "Firefox on Android",
            userAgent: "Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
            type: .mobile, browser: "Firefox 133", os: "Android 15"),
        Case(
            label: "Firefox on an Android tablet",
            userAgent: "Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0",
            type: .tablet, browser: "Firefox 133", os: "Android 14"),
        Case(
            label: "Firefox on iPhone",
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
            type: .mobile, browser: "Firefox 133", os: "iOS 18"),
        Case(
            label: "Safari on macOS",
            userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            type: .desktop, browser: "Safari 18", os: "macOS"),
        Case(
            label: "Safari on iPhone",
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
            type: .mobile, browser: "Safari 18", os: "iOS 18"),
        Case(
            label: "Safari on iPad",
            userAgent: "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
            type: .tablet, browser: "Safari 17", os: "iPadOS 17"),
        Case(
            label: "Edge on Windows",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            type: .desktop, browser: "Edge 131", os: "Windows"),
        Case(
            label: "Edge on Android",
            userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
            type: .mobile, browser: "Edge 131", os: "Android 10"),
        Case(
            label: "Edge on iPhone",
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15",
            type: .mobile, browser: "Edge 131", os: "iOS 18"),
        Case(
            label: "Samsung Internet on Android",
            userAgent: "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
            type: .mobile, browser: "Samsung Internet 27", os: "Android 14"),
        Case(
            label: "Samsung Internet in desktop mode",
            userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Safari/537.36",
            type: .desktop, browser: "Samsung Internet 27", os: "Linux"),
        Case(
            label: "Opera on Windows",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
            type: .desktop, browser: "Opera 115", os: "Windows"),
        Case(
            label: "Yandex is another browser",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36",
            type: .desktop, browser: "Other", os: "Windows"),
        Case(label: "a script", userAgent: "curl/8.5.0", type: .other, browser: "Other", os: "Other"),
    ]

    @Test(arguments: cases)
    func readsTheTable(_ row: Case) throws {
        let device = try #require(UserAgentParser.parse(row.userAgent))
        #expect(device.type == row.type)
        #expect(device.browser == row.browser)
        #expect(device.os == row.os)
    }

    @Test func emptyOrOversizedIsUnknown() {
        #expect(UserAgentParser.parse("") == nil)
        #expect(UserAgentParser.parse(String(repeating: "Chrome/1 ", count: 200)) == nil)
    }

    @Test func theCompactFormRoundTripsThroughItsNames() throws {
        let device = try #require(UserAgentParser.parse(Self.cases[18].userAgent))
        #expect(DeviceInfo(type: device.type, browser: device.browser, os: device.os) == device)
        #expect(MemoryLayout<DeviceInfo>.size <= 8, "codes, not strings: every entry holds one")
    }
}
