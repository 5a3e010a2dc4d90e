/// The device a tab runs on, from its User-Agent (``UserAgentParser``): type, browser and
/// operating system with their major versions. The raw User-Agent is never kept.
///
/// Stored as small codes (7 bytes) since every entry has one; the names are read from
/// the tables below. Encoded as `{"type":"mobile","browser":"Chrome 131","os":"Android 15"}`.
public struct DeviceInfo: Sendable, Codable, Hashable {
    public var type: DeviceType
    /// Index into ``browsers``.
    public var browserFamily: UInt8
    /// 0 when unknown.
    public var browserMajor: UInt16
    /// Index into ``systems``.
    public var systemFamily: UInt8
    /// 0 when unknown or not told (Windows, Linux, ChromeOS, macOS whose UA is frozen).
    public var systemMajor: UInt16

    /// Browser names by ``browserFamily``; anything unknown is "Other".
    public static let browsers = ["Other", "Chrome", "Firefox", "Safari", "Edge", "Samsung Internet", "Opera"]
    /// Operating system names by ``systemFamily``.
    public static let systems = ["Other", "Windows", "macOS", "iOS", "iPadOS", "Android", "Linux", "ChromeOS"]

    public init(type: DeviceType, browserFamily: UInt8, browserMajor: UInt16, systemFamily: UInt8, systemMajor: UInt16) {
        self.type = type
        self.browserFamily = browserFamily < Self.browsers.count ? browserFamily : 0
        self.browserMajor = browserMajor
        self.systemFamily = systemFamily < Self.systems.count ? systemFamily : 0
        self.systemMajor = systemMajor
    }

    /// From the names as shown (`"Chrome 131"`, `"Android 15"`); unknown names are "Other".
    public init(type: DeviceType, browser: String, os: String) {
        let (browserFamily, browserMajor) = Self.split(browser, names: Self.browsers)
        let (systemFamily, systemMajor) = Self.split(os, names: Self.systems)
        self.init(type: type, browserFamily: browserFamily, browserMajor: browserMajor, systemFamily: systemFamily, systemMajor: systemMajor)
    }

    /// The browser and its major version, e.g. `"Chrome 131"`, or just the name.
    public var browser: String { Self.join(Self.browsers[Int(browserFamily)], browserMajor) }

    /// The operating system and its major version, e.g. `"Android 15"`, or just the name.
    public var os: String { Self.join(Self.systems[Int(systemFamily)], systemMajor) }

    private static func join(_ name: String, _ major: UInt16) -> String {
        major == 0 ? name : name + " " + String(major)
    }

    private static func split(_ text: String, names: [String]) -> (UInt8, UInt16) {
        var name = Substring(text)
        var major: UInt16 = 0
        if let space = text.lastIndex(of: " "), let number = UInt16(text[text.index(after: space)...]) {
            name = text[..<space]
            major = number
        }
        return (UInt8(names.firstIndex(where: { $0 == name }) ?? 0), major)
    }

    private enum Keys: String, CodingKey { case type, browser, os }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            type: try container.decode(DeviceType.self, forKey: .type),
            browser: try container.decode(String.self, forKey: .browser),
            os: try container.decode(String.self, forKey: .os))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(type, forKey: .type)
        try container.encode(browser, forKey: .browser)
        try container.encode(os, forKey: .os)
    }
}
