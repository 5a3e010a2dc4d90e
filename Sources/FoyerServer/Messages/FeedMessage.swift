import FoyerCore
import Foundation

/// A message on the dashboard feed (docs/PROTOCOL.md section 2).
enum FeedMessage: Encodable {
    case snapshot(tracking: Bool, limit: Int, entries: [Entry], counters: Counters, chats: [ChatSummary], now: Int64)
    case event(RegistryEvent)
    case chat(ChatSummary)
    case message(MessageView)
    case chatArchived(String)
    case pong

    private enum Keys: String, CodingKey {
        case type, tracking, limit, entries, counters, chats, now, entry, id, reason, enabled, chat, message
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .snapshot(let tracking, let limit, let entries, let counters, let chats, let now):
            try container.encode("snapshot", forKey: .type)
            try container.encode(tracking, forKey: .tracking)
            try container.encode(limit, forKey: .limit)
            try container.encode(entries.map(FeedEntry.init), forKey: .entries)
            try container.encode(counters, forKey: .counters)
            try container.encode(chats, forKey: .chats)
            try container.encode(now, forKey: .now)
        case .event(.added(let entry)):
            try container.encode("added", forKey: .type)
            try container.encode(FeedEntry(entry: entry), forKey: .entry)
        case .event(.changed(let entry)):
            try container.encode("changed", forKey: .type)
            try container.encode(FeedEntry(entry: entry), forKey: .entry)
        case .event(.removed(let id, let reason)):
            try container.encode("removed", forKey: .type)
            try container.encode(id, forKey: .id)
            try container.encode(reason, forKey: .reason)
        case .event(.counters(let counters)):
            try container.encode("counters", forKey: .type)
            try container.encode(counters, forKey: .counters)
        case .event(.tracking(let enabled)):
            try container.encode("tracking", forKey: .type)
            try container.encode(enabled, forKey: .enabled)
        case .chat(let summary):
            try container.encode("chat", forKey: .type)
            try container.encode(summary, forKey: .chat)
        case .message(let message):
            try container.encode("message", forKey: .type)
            try container.encode(message, forKey: .message)
        case .chatArchived(let id):
            try container.encode("chatArchived", forKey: .type)
            try container.encode(id, forKey: .id)
        case .pong:
            try container.encode("pong", forKey: .type)
        }
    }

    /// The message as JSON text bytes, encoded once and shared by every dashboard.
    func encoded() -> [UInt8] {
        // One per event and page change: written by hand (see FeedJSON).
        if case .event(let event) = self { return FeedJSON.event(event) }
        // Encoding these plain values cannot fail.
        return (try? Self.encoder.encode(self)).map(Array.init) ?? Array(#"{"type":"error"}"#.utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
