public import FoyerCore
import PostgresNIO

extension PostgresStore {
    public func triggers(accountID: String) async throws -> [TriggerRecord] {
        try await run(
            """
            SELECT id, position, name, message, enabled, conditions, shown, accepted, dismissed
            FROM triggers WHERE account_id = \(accountID) ORDER BY position, id
            """
        ).map { row in
            let (id, position, name, message, enabled, conditions, shown, accepted, dismissed) =
                try row.decode((String, Int, String, String, Bool, String, Int, Int, Int).self)
            return TriggerRecord(
                trigger: Trigger(
                    id: id, name: name, message: message, enabled: enabled, position: position,
                    conditions: TriggerConditionsJSON.decode(conditions)),
                shown: shown, accepted: accepted, dismissed: dismissed)
        }
    }

    public func addTrigger(accountID: String, _ trigger: Trigger, limit: Int) async throws -> Trigger? {
        var added: Trigger?
        try await transaction { connection in
            added = nil  // the body runs again when PostgreSQL retries the transaction
            try await lockTriggers(accountID: accountID, connection)
            let count = try await connection.query(
                "SELECT count(*)::bigint FROM triggers WHERE account_id = \(accountID)", logger: logger
            ).collect().first?.decode(Int.self) ?? 0
            guard count < limit else { return }
            var stored = trigger
            stored.position = count
            try await connection.query(
                """
                INSERT INTO triggers (account_id, id, position, name, message, enabled, conditions)
                VALUES (\(accountID), \(stored.id), \(stored.position), \(stored.name), \(stored.message), \(stored.enabled),
                    \(TriggerConditionsJSON.encode(stored.conditions)))
                """, logger: logger)
            added = stored
        }
        return added
    }

    public func updateTrigger(accountID: String, _ trigger: Trigger) async throws -> Bool {
        let rows = try await run(
            """
            UPDATE triggers SET name = \(trigger.name), message = \(trigger.message), enabled = \(trigger.enabled),
                conditions = \(TriggerConditionsJSON.encode(trigger.conditions))
            WHERE account_id = \(accountID) AND id = \(trigger.id) RETURNING id
            """)
        return !rows.isEmpty
    }

    public func deleteTrigger(accountID: String, id: String) async throws -> Bool {
        var found = false
        try await transaction { connection in
            found = false  // the body runs again when PostgreSQL retries the transaction
            try await lockTriggers(accountID: accountID, connection)
            let rows = try await connection.query(
                "DELETE FROM triggers WHERE account_id = \(accountID) AND id = \(id) RETURNING position", logger: logger
            ).collect()
            guard let position = try rows.first?.decode(Int.self) else { return }
            found = true
            try await connection.query(
                "UPDATE triggers SET position = position - 1 WHERE account_id = \(accountID) AND position > \(position)", logger: logger)
        }
        return found
    }

    public func reorderTriggers(accountID: String, ids: [String]) async throws -> Bool {
        var done = false
        try await transaction { connection in
            done = false  // the body runs again when PostgreSQL retries the transaction
            try await lockTriggers(accountID: accountID, connection)
            let current = try await connection.query("SELECT id FROM triggers WHERE account_id = \(accountID)", logger: logger)
                .collect().map { try $0.decode(String.self) }
            guard ids.count == current.count, Set(ids) == Set(current) else { return }
            done = true
            for (position, id) in ids.enumerated() {
                try await connection.query(
                    "UPDATE triggers SET position = \(position) WHERE account_id = \(accountID) AND id = \(id)", logger: logger)
            }
        }
        return done
    }

    /// Serialises the changes of one account's trigger list (count, positions) in this
    /// transaction against every other one that takes it.
    private func lockTriggers(accountID: String, _ connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(PostgresMigrations.triggersLockSpace), hashtext(\(accountID)))", logger: logger)
    }

    public func countTrigger(accountID: String, id: String, _ outcome: TriggerOutcome, invitationID: String, now: Int64) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM trigger_outcomes WHERE at < \(now - 86_400_000)", logger: logger)
            // Only the first report of an outcome inserts its row, and only it counts.
            let inserted = try await connection.query(
                """
                INSERT INTO trigger_outcomes (invitation_id, outcome, at) VALUES (\(invitationID), \(outcome.rawValue), \(now))
                ON CONFLICT DO NOTHING RETURNING invitation_id
                """, logger: logger
            ).collect()
            guard !inserted.isEmpty else { return }
            // The column name comes from the enum, never from input.
            try await connection.query(
                "UPDATE triggers SET \(unescaped: outcome.rawValue) = \(unescaped: outcome.rawValue) + 1 WHERE account_id = \(accountID) AND id = \(id)",
                logger: logger)
        }
    }

    public func takeInvitationSlot(userID: String, now: Int64, windowMillis: Int64, limit: Int) async throws -> Bool {
        var taken = false
        try await transaction { connection in
            taken = false  // the body runs again when PostgreSQL retries the transaction
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresMigrations.invitationsLockSpace), hashtext(\(userID)))", logger: logger)
            // Every member's rows past the window go (also those of members since deleted).
            try await connection.query("DELETE FROM invitation_sends WHERE at <= \(now - windowMillis)", logger: logger)
            let count = try await connection.query(
                "SELECT count(*)::bigint FROM invitation_sends WHERE user_id = \(userID)", logger: logger
            ).collect().first?.decode(Int.self) ?? 0
            guard count < limit else { return }
            try await connection.query("INSERT INTO invitation_sends (user_id, at) VALUES (\(userID), \(now))", logger: logger)
            taken = true
        }
        return taken
    }

    public func noticeSettings(userID: String) async throws -> NoticeSettings {
        guard let row = try await run("SELECT sound, desktop FROM user_notices WHERE user_id = \(userID)").first else {
            return NoticeSettings()
        }
        let (sound, desktop) = try row.decode((Bool, Bool).self)
        return NoticeSettings(sound: sound, desktop: desktop)
    }

    public func setNoticeSettings(userID: String, _ settings: NoticeSettings) async throws {
        try await run(
            """
            INSERT INTO user_notices (user_id, sound, desktop) VALUES (\(userID), \(settings.sound), \(settings.desktop))
            ON CONFLICT (user_id) DO UPDATE SET sound = excluded.sound, desktop = excluded.desktop
            """)
    }
}
