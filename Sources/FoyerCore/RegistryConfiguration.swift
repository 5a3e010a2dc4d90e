/// The rules an ``AccountRegistry`` applies, with their units in their names.
public struct RegistryConfiguration: Sendable, Hashable, Codable {
    /// Most entries shown at once; further tabs wait in arrival order.
    public var entryLimit: Int
    /// How long a disconnected tab keeps its status before it turns Offline, so a page
    /// navigation, a network blip or a server restart never flashes it Offline.
    public var disconnectGraceMillis: Int64
    /// How long an Offline entry stays visible before it is removed.
    public var retentionMillis: Int64
    /// Most pages kept in an entry's history.
    public var historyLimit: Int
    /// A browser first seen more than this long before an entry began is returning.
    public var returningAfterMillis: Int64

    public init(
        entryLimit: Int = 500,
        disconnectGraceMillis: Int64 = 15_000,
        retentionMillis: Int64 = 30 * 60_000,
        historyLimit: Int = 50,
        returningAfterMillis: Int64 = 30 * 60_000
    ) {
        self.entryLimit = entryLimit
        self.disconnectGraceMillis = disconnectGraceMillis
        self.retentionMillis = retentionMillis
        self.historyLimit = historyLimit
        self.returningAfterMillis = returningAfterMillis
    }
}
