/// The rules an ``AccountRegistry`` applies, with their units in their names.
public struct RegistryConfiguration: Sendable, Hashable, Codable {
    /// Most entries shown at once; further tabs wait in arrival order.
    public var entryLimit: Int
    /// How long a disconnected tab keeps its status before it turns Offline, so a page
    /// navigation, a network blip or a server restart never flashes it Offline.
    public var disconnectGraceMillis: Int64
    /// How long an Offline entry stays visible before it is removed (unless a connected
    /// tab needs its place first).
    public var retentionMillis: Int64
    /// Most pages kept in an entry's history.
    public var historyLimit: Int
    /// Most bytes (UTF-8 of URLs and titles) kept in an entry's history; the oldest pages
    /// go first, the current page always stays.
    public var historyByteLimit: Int
    /// A browser first seen more than this long before an entry began is returning.
    public var returningAfterMillis: Int64
    /// The share of ``entryLimit``, in percent, that tabs from one client address may hold.
    public var addressSharePercent: Int
    /// Places one address may always hold, whatever the share (a family, a small office
    /// behind one address), up to the limit itself.
    public var minimumPlacesPerAddress: Int
    /// How long an invitation to chat waits for the visitor's answer before it expires.
    public var invitationExpiryMillis: Int64

    public init(
        entryLimit: Int = 500,
        disconnectGraceMillis: Int64 = 15_000,
        retentionMillis: Int64 = 30 * 60_000,
        historyLimit: Int = 50,
        historyByteLimit: Int = 8_192,
        returningAfterMillis: Int64 = 30 * 60_000,
        addressSharePercent: Int = 10,
        minimumPlacesPerAddress: Int = 10,
        invitationExpiryMillis: Int64 = 5 * 60_000
    ) {
        self.entryLimit = entryLimit
        self.disconnectGraceMillis = disconnectGraceMillis
        self.retentionMillis = retentionMillis
        self.historyLimit = historyLimit
        self.historyByteLimit = historyByteLimit
        self.returningAfterMillis = returningAfterMillis
        self.addressSharePercent = addressSharePercent
        self.minimumPlacesPerAddress = minimumPlacesPerAddress
        self.invitationExpiryMillis = invitationExpiryMillis
    }

    /// Most entries tabs from one client address may hold at once: the larger of the
    /// share and the minimum, never more than the limit.
    public var placesPerAddress: Int {
        min(entryLimit, max(minimumPlacesPerAddress, entryLimit * addressSharePercent / 100, 1))
    }

    private enum CodingKeys: String, CodingKey {
        case entryLimit, disconnectGraceMillis, retentionMillis, historyLimit, historyByteLimit, returningAfterMillis
        case addressSharePercent, minimumPlacesPerAddress, invitationExpiryMillis
    }

    /// Rules saved before a field existed (a cluster snapshot) read with its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RegistryConfiguration()
        entryLimit = try container.decode(Int.self, forKey: .entryLimit)
        disconnectGraceMillis = try container.decode(Int64.self, forKey: .disconnectGraceMillis)
        retentionMillis = try container.decode(Int64.self, forKey: .retentionMillis)
        historyLimit = try container.decode(Int.self, forKey: .historyLimit)
        historyByteLimit = try container.decodeIfPresent(Int.self, forKey: .historyByteLimit) ?? defaults.historyByteLimit
        returningAfterMillis = try container.decode(Int64.self, forKey: .returningAfterMillis)
        addressSharePercent = try container.decodeIfPresent(Int.self, forKey: .addressSharePercent) ?? defaults.addressSharePercent
        minimumPlacesPerAddress =
            try container.decodeIfPresent(Int.self, forKey: .minimumPlacesPerAddress) ?? defaults.minimumPlacesPerAddress
        invitationExpiryMillis =
            try container.decodeIfPresent(Int64.self, forKey: .invitationExpiryMillis) ?? defaults.invitationExpiryMillis
    }
}
