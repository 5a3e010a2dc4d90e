import Foundation

/// A message from the server to a visitor's tracker (docs/PROTOCOL.md sections 1 and 3);
/// absent fields are left out.
struct TrackerReply: Encodable {
    var t: String
    var cid: String? = nil
    var reason: String? = nil
    var chat: String? = nil
    var id: Int64? = nil
    var state: String? = nil
    var message: MessageView? = nil
    var messages: [MessageView]? = nil
    /// `ok`, `wait`: milliseconds without input before the tab reports itself idle, and
    /// whether the tracker keeps a browser id (1) or nothing in `localStorage` (0).
    var idle: Int? = nil
    var r: Int? = nil
    /// `invite`: the invitation to show.
    var inv: TrackerInvitation? = nil
    /// `refused` of an `api` frame: the command that broke a rule.
    var c: String? = nil

    var json: String {
        (try? Self.encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
