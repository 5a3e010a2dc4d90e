/// A server setting that cannot be used; the message names it.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
