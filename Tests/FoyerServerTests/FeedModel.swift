import Foundation
import Testing

/// What a dashboard shows, rebuilt from its feed messages, checking after every message
/// that no number is shown twice and that the limit holds.
struct FeedModel {
    let limit: Int
    /// Entry id → (number, status).
    private(set) var entries: [String: (number: Int, status: String)] = [:]
    private(set) var messages = 0

    init(limit: Int) { self.limit = limit }

    /// Applies one feed message; records an issue if the view became impossible.
    mutating func apply(_ message: [String: Any], node: String) {
        messages += 1
        switch message["type"] as? String {
        case "snapshot":
            entries = [:]
            for case let entry as [String: Any] in message["entries"] as? [Any] ?? [] { put(entry) }
        case "added":
            if let entry = message["entry"] as? [String: Any] { put(entry) }
        case "changed":
            // Only what changed comes (docs/PROTOCOL.md section 2).
            guard let id = message["id"] as? String, let old = entries[id] else {
                Issue.record("changed an entry \(node) does not show")
                return
            }
            let set = message["set"] as? [String: Any] ?? [:]
            entries[id] = (set["number"] as? Int ?? old.number, set["status"] as? String ?? old.status)
        case "removed":
            if let id = message["id"] as? String { entries[id] = nil }
        default:
            return
        }
        let numbers = entries.values.map(\.number)
        #expect(Set(numbers).count == numbers.count, "a number shown twice on \(node): \(numbers.sorted())")
        #expect(entries.count <= limit, "\(entries.count) entries shown on \(node), limit \(limit)")
    }

    private mutating func put(_ entry: [String: Any]) {
        guard let id = entry["id"] as? String, let number = entry["number"] as? Int else { return }
        entries[id] = (number, entry["status"] as? String ?? "")
    }

    /// Entry id → number, for comparing dashboards.
    var numbers: [String: Int] { entries.mapValues(\.number) }
}
