import Synchronization

/// At most `limit` actions per key in any `windowMillis` (a sliding window of the
/// actions' times), for rules stated as "N per minute".
final class WindowLimit: Sendable {
    let limit: Int
    let windowMillis: Int64
    private let times = Mutex<[String: [Int64]]>([:])

    init(limit: Int, windowMillis: Int64) {
        self.limit = limit
        self.windowMillis = windowMillis
    }

    /// Counts one action of `key` at `now`; false (and not counted) when the key already
    /// took `limit` in the window.
    func take(_ key: String, now: Int64) -> Bool {
        times.withLock { table in
            // Forget keys idle for a window, so the table stays as small as the active keys.
            if table.count > 1000 { table = table.filter { $0.value.last.map { now - $0 < windowMillis } ?? false } }
            var recent = table[key, default: []].filter { now - $0 < windowMillis }
            guard recent.count < limit else { return false }
            recent.append(now)
            table[key] = recent
            return true
        }
    }
}
