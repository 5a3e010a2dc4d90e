/// A message from `foyer.js` (docs/PROTOCOL.md section 1). Fields are optional here and
/// checked per type, so a missing field gets a precise close reason.
struct TrackerMessage: Decodable, Sendable, Equatable {
    let t: String
    let tab: String?
    let vid: String?
    let url: String?
    let title: String?
    let ref: String?
    let lang: String?
    let tz: String?
    /// Chat: the widget's id for a message, its text, and a message id for receipts.
    let cid: String?
    let text: String?
    let id: Int64?
    /// Script API (`t` = `api`): the command (`identify`, `set`, `track`) and its argument.
    let c: String?
    let a: JSONValue?

    /// Whether an identity sent by the tracker is well formed: 8–64 of `[A-Za-z0-9_-]`.
    static func isIdentity(_ text: String?) -> Bool {
        guard let text, (8...64).contains(text.utf8.count) else { return false }
        return text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }
}
