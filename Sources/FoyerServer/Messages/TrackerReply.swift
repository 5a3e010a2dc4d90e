import Foundation

/// A chat message from the server to a visitor's tracker (docs/PROTOCOL.md section 3);
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

    var json: String {
        (try? Self.encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
