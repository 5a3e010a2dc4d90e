/// Errors the store reports, with messages fit for an operator.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case duplicate
        case notFound
        case invalid
        case unavailable
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// A unique value (account name, email) is already taken.
    public static func duplicate(_ what: String) -> StoreError { .init(.duplicate, "\(what) already exists") }
    /// The thing asked for does not exist.
    public static func notFound(_ what: String) -> StoreError { .init(.notFound, "\(what) not found") }
    /// A value cannot be stored as given.
    public static func invalid(_ what: String) -> StoreError { .init(.invalid, what) }
    /// The database cannot be opened or used.
    public static func unavailable(_ what: String) -> StoreError { .init(.unavailable, what) }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
}
