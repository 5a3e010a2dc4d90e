/// Why a city database download was not used; says which URL and what was wrong.
public struct GeoDownloadError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
