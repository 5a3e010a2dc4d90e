/// The kind of device a tab runs on, as its User-Agent tells.
public enum DeviceType: String, Sendable, Codable, Hashable, CaseIterable {
    case desktop, mobile, tablet, other
}
