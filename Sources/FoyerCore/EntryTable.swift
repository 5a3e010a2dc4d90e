/// The registry's entries by id, each in an immutable box.
///
/// A `[String: Entry]` keeps every entry inline in its hash table, which is between a
/// third and three quarters full: each slot, used or not, cost a key and a whole entry
/// (~330 bytes). Here a slot is a key and a reference, and the entry lives once in its
/// box. Boxes are never changed, only replaced, so copies of a registry (snapshots, the
/// inspector) still never see each other's changes. Encoded exactly like the dictionary.
struct EntryTable: Sendable, Codable {
    private final class Box: Sendable {
        let entry: Entry
        init(_ entry: Entry) { self.entry = entry }
    }

    private var boxes: [String: Box] = [:]

    init() {}

    subscript(id: String) -> Entry? { boxes[id]?.entry }

    var count: Int { boxes.count }

    var values: some Collection<Entry> { boxes.values.lazy.map(\.entry) }

    /// Inserts or replaces the entry with its id.
    mutating func put(_ entry: Entry) { boxes[entry.id] = Box(entry) }

    @discardableResult
    mutating func removeValue(forKey id: String) -> Entry? { boxes.removeValue(forKey: id)?.entry }

    init(from decoder: any Decoder) throws {
        let plain = try decoder.singleValueContainer().decode([String: Entry].self)
        boxes = plain.mapValues(Box.init)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(boxes.mapValues(\.entry))
    }
}
