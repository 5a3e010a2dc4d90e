public import FoyerCore
import SQLiteNIO

extension SQLiteStore {
    public func triggers(accountID: String) async throws -> [TriggerRecord] {
        try await reader.query("SELECT * FROM triggers WHERE account_id = ? ORDER BY position, id", [.text(accountID)]).map { row in
            TriggerRecord(
                trigger: Trigger(
                    id: row.column("id")?.string ?? "", name: row.column("name")?.string ?? "",
                    message: row.column("message")?.string ?? "", enabled: (row.column("enabled")?.integer ?? 0) != 0,
                    position: row.column("position")?.integer ?? 0,
                    conditions: TriggerConditionsJSON.decode(row.column("conditions")?.string ?? "")),
                shown: row.column("shown")?.integer ?? 0, accepted: row.column("accepted")?.integer ?? 0,
                dismissed: row.column("dismissed")?.integer ?? 0)
        }
    }

    public func addTrigger(accountID: String, _ trigger: Trigger, limit: Int) async throws -> Trigger? {
        var added: Trigger?
        try await transaction {
            let count = try await writer.query(
                "SELECT count(*) AS n FROM triggers WHERE account_id = ?", [.text(accountID)]
            ).first?.column("n")?.integer ?? 0
            guard count < limit else { return }
            var stored = trigger
            stored.position = count
            _ = try await writer.query(
                "INSERT INTO triggers (account_id, id, position, name, message, enabled, conditions) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(accountID), .text(stored.id), .integer(stored.position), .text(stored.name), .text(stored.message),
                    .integer(stored.enabled ? 1 : 0), .text(TriggerConditionsJSON.encode(stored.conditions)),
                ])
            added = stored
        }
        return added
    }

    public func updateTrigger(accountID: String, _ trigger: Trigger) async throws -> Bool {
        var found = false
        try await transaction {
            _ = try await writer.query(
                "UPDATE triggers SET name = ?, message = ?, enabled = ?, conditions = ? WHERE account_id = ? AND id = ?",
                [
                    .text(trigger.name), .text(trigger.message), .integer(trigger.enabled ? 1 : 0),
                    .text(TriggerConditionsJSON.encode(trigger.conditions)), .text(accountID), .text(trigger.id),
                ])
            found = try await writer.query("SELECT changes() AS n").first?.column("n")?.integer ?? 0 > 0
        }
        return found
    }

    public func deleteTrigger(accountID: String, id: String) async throws -> Bool {
        var found = false
        try await transaction {
            guard let position = try await writer.query(
                "SELECT position FROM triggers WHERE account_id = ? AND id = ?", [.text(accountID), .text(id)]
            ).first?.column("position")?.integer else { return }
            found = true
            _ = try await writer.query("DELETE FROM triggers WHERE account_id = ? AND id = ?", [.text(accountID), .text(id)])
            _ = try await writer.query(
                "UPDATE triggers SET position = position - 1 WHERE account_id = ? AND position > ?", [.text(accountID), .integer(position)])
        }
        return found
    }

    public func reorderTriggers(accountID: String, ids: [String]) async throws -> Bool {
        var done = false
        try await transaction {
            let current = try await writer.query("SELECT id FROM triggers WHERE account_id = ?", [.text(accountID)])
                .compactMap { $0.column("id")?.string }
            guard ids.count == current.count, Set(ids) == Set(current) else { return }
            done = true
            for (position, id) in ids.enumerated() {
                _ = try await writer.query(
                    "UPDATE triggers SET position = ? WHERE account_id = ? AND id = ?", [.integer(position), .text(accountID), .text(id)])
            }
        }
        return done
    }

    public func countTrigger(accountID: String, id: String, _ outcome: TriggerOutcome, invitationID: String, now: Int64) async throws {
        try await transaction {
            _ = try await writer.query("DELETE FROM trigger_outcomes WHERE at < ?", [.integer(Int(now - Self.countedOutcomesMillis))])
            _ = try await writer.query(
                "INSERT INTO trigger_outcomes (invitation_id, outcome, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [.text(invitationID), .text(outcome.rawValue), .integer(Int(now))])
            guard try await writer.query("SELECT changes() AS n").first?.column("n")?.integer ?? 0 > 0 else { return }
            // The column name comes from the enum, never from input.
            _ = try await writer.query(
                "UPDATE triggers SET \(outcome.rawValue) = \(outcome.rawValue) + 1 WHERE account_id = ? AND id = ?", [.text(accountID), .text(id)])
        }
    }

    /// How long a counted outcome is remembered: far longer than any node takes to apply it.
    static let countedOutcomesMillis: Int64 = 86_400_000

    public func takeInvitationSlot(userID: String, now: Int64, windowMillis: Int64, limit: Int) async throws -> Bool {
        var taken = false
        try await transaction {
            // Every member's rows past the window go (also those of members since deleted).
            _ = try await writer.query("DELETE FROM invitation_sends WHERE at <= ?", [.integer(Int(now - windowMillis))])
            let count = try await writer.query("SELECT count(*) AS n FROM invitation_sends WHERE user_id = ?", [.text(userID)])
                .first?.column("n")?.integer ?? 0
            guard count < limit else { return }
            _ = try await writer.query("INSERT INTO invitation_sends (user_id, at) VALUES (?, ?)", [.text(userID), .integer(Int(now))])
            taken = true
        }
        return taken
    }

    public func noticeSettings(userID: String) async throws -> NoticeSettings {
        guard let row = try await reader.query("SELECT sound, desktop FROM user_notices WHERE user_id = ?", [.text(userID)]).first else {
            return NoticeSettings()
        }
        return NoticeSettings(sound: (row.column("sound")?.integer ?? 0) != 0, desktop: (row.column("desktop")?.integer ?? 0) != 0)
    }

    public func setNoticeSettings(userID: String, _ settings: NoticeSettings) async throws {
        _ = try await reader.query(
            """
            INSERT INTO user_notices (user_id, sound, desktop) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET sound = excluded.sound, desktop = excluded.desktop
            """,
            [.text(userID), .integer(settings.sound ? 1 : 0), .integer(settings.desktop ? 1 : 0)])
    }
}
