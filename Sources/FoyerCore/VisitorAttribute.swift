/// One custom attribute set by `foyer('set', {name: value})`.
public struct VisitorAttribute: Sendable, Codable, Hashable {
    public var name: String
    public var value: AttributeValue

    public init(name: String, value: AttributeValue) {
        self.name = name
        self.value = value
    }
}
