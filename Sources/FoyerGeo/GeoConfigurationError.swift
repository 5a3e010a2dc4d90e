/// A location setting that cannot be used, named so the operator can fix it.
public struct GeoConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case invalidTrustedProxy
    }

    private let code: Code
    /// The offending value, as given.
    public let value: String

    private init(_ code: Code, value: String) {
        self.code = code
        self.value = value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// A trusted proxy that is not an IP address or CIDR block.
    public static func invalidTrustedProxy(_ value: String) -> Self { .init(.invalidTrustedProxy, value: value) }
    /// Any invalid trusted proxy, for matching.
    public static var invalidTrustedProxy: Self { .init(.invalidTrustedProxy, value: "") }

    public var description: String {
        switch code {
        case .invalidTrustedProxy:
            "trusted proxy \"\(value)\" is not an IP address or CIDR block (like 10.0.0.0/8 or fd00::/8)"
        }
    }
}
