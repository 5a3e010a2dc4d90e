/// Reads a ``DeviceInfo`` from a User-Agent header with a small table of tokens.
///
/// The first browser row whose token the User-Agent contains wins, so the order matters:
/// browsers built on Chrome or Safari name themselves before the `Chrome/` or `Safari/`
/// token they also carry. Only major versions are read. What a User-Agent cannot tell is
/// not guessed: Windows 10 and 11 send the same string ("Windows"), macOS is frozen at
/// 10.15 by every browser ("macOS"), Chrome on Android reports "Android 10" whatever the
/// version (its reduced User-Agent), and an iPad asking for desktop sites looks like a Mac.
public enum UserAgentParser {
    private struct BrowserRow {
        let token: String
        /// Index into ``DeviceInfo/browsers``.
        let family: UInt8
        /// Where the major version is read, if not after `token` (Safari: `Version/`).
        var versionToken: String? = nil
    }

    private static let browserRows: [BrowserRow] = [
        BrowserRow(token: "SamsungBrowser/", family: 5),
        BrowserRow(token: "OPR/", family: 6),
        BrowserRow(token: "OPX/", family: 6),
        BrowserRow(token: "OPiOS/", family: 6),
        BrowserRow(token: "OPT/", family: 6),
        BrowserRow(token: "Edg/", family: 4),
        BrowserRow(token: "EdgA/", family: 4),
        BrowserRow(token: "EdgiOS/", family: 4),
        BrowserRow(token: "Edge/", family: 4),
        // Other browsers on Chrome's engine that say so: not Chrome.
        BrowserRow(token: "YaBrowser/", family: 0),
        BrowserRow(token: "Vivaldi/", family: 0),
        BrowserRow(token: "UCBrowser/", family: 0),
        BrowserRow(token: "FxiOS/", family: 2),
        BrowserRow(token: "Firefox/", family: 2),
        BrowserRow(token: "CriOS/", family: 1),
        BrowserRow(token: "Chrome/", family: 1),
        BrowserRow(token: "Safari/", family: 3, versionToken: "Version/"),
    ]

    private struct SystemRow {
        let token: String
        /// Index into ``DeviceInfo/systems``.
        let family: UInt8
        /// Where the version starts, if the UA tells a useful one.
        var versionToken: String? = nil
        let type: DeviceType
    }

    private static let systemRows: [SystemRow] = [
        SystemRow(token: "iPad", family: 4, versionToken: "CPU OS ", type: .tablet),
        SystemRow(token: "iPhone", family: 3, versionToken: "iPhone OS ", type: .mobile),
        SystemRow(token: "iPod", family: 3, versionToken: "iPhone OS ", type: .mobile),
        SystemRow(token: "Android", family: 5, versionToken: "Android ", type: .mobile),
        SystemRow(token: "CrOS", family: 7, type: .desktop),
        SystemRow(token: "Windows", family: 1, type: .desktop),
        SystemRow(token: "Macintosh", family: 2, versionToken: "Mac OS X ", type: .desktop),
        SystemRow(token: "Linux", family: 6, type: .desktop),
    ]

    /// Longest User-Agent read; real ones are a few hundred bytes.
    public static let maxBytes = 1024

    /// The device a User-Agent describes; nil for an empty or oversized one.
    public static func parse(_ userAgent: String) -> DeviceInfo? {
        guard !userAgent.isEmpty, userAgent.utf8.count <= maxBytes else { return nil }
        let text = Array(userAgent.utf8)

        var browserFamily: UInt8 = 0
        var browserMajor: UInt16 = 0
        for row in browserRows {
            guard let end = find(row.token, in: text) else { continue }
            browserFamily = row.family
            // "Other 24" would name no browser: others go without a version.
            if row.family == 0 { break }
            if let versionToken = row.versionToken {
                browserMajor = find(versionToken, in: text).map { major(in: text, from: $0) } ?? 0
            } else {
                browserMajor = major(in: text, from: end)
            }
            break
        }

        var systemFamily: UInt8 = 0
        var systemMajor: UInt16 = 0
        var type = DeviceType.other
        for row in systemRows {
            guard find(row.token, in: text) != nil else { continue }
            systemFamily = row.family
            type = row.type
            if let versionToken = row.versionToken, let start = find(versionToken, in: text) {
                systemMajor = major(in: text, from: start)
            }
            break
        }
        switch systemFamily {
        case 2:
            // Every browser freezes macOS at 10.15 (or 10_15_7): only a later one is news.
            if systemMajor <= 10 { systemMajor = 0 }
        case 4:
            // iPadOS began at 13; an older iPad ran iOS.
            if systemMajor < 13 { systemFamily = 3 }
        case 5:
            // Android phones say "Mobile"; tablets leave it out (Firefox says "Tablet").
            if find("Tablet", in: text) != nil || find("Mobile", in: text) == nil { type = .tablet }
        default:
            break
        }
        if browserFamily == 0 && systemFamily == 0 { type = .other }
        return DeviceInfo(type: type, browserFamily: browserFamily, browserMajor: browserMajor, systemFamily: systemFamily, systemMajor: systemMajor)
    }

    /// The index just past the first occurrence of `token`, or nil.
    private static func find(_ token: String, in text: [UInt8]) -> Int? {
        let needle = Array(token.utf8)
        guard needle.count <= text.count else { return nil }
        var index = 0
        while index + needle.count <= text.count {
            if text[index] == needle[0] && text[index..<index + needle.count].elementsEqual(needle) { return index + needle.count }
            index += 1
        }
        return nil
    }

    /// The number made of the digits at `start` (at most 5), 0 if none or too big.
    private static func major(in text: [UInt8], from start: Int) -> UInt16 {
        var value: UInt32 = 0
        var index = start
        while index < text.count, index - start < 5, text[index] >= 0x30, text[index] <= 0x39 {
            value = value * 10 + UInt32(text[index] - 0x30)
            index += 1
        }
        return value <= UInt32(UInt16.max) ? UInt16(value) : 0
    }
}
