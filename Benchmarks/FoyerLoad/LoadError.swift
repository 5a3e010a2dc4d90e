/// Why a load run could not go on.
struct LoadError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    static let closedBeforeGreeting = LoadError("the socket closed before the server answered hello")
    static let closedBeforeSnapshot = LoadError("the feed closed before its snapshot")
}
