/// The PostgreSQL schema as numbered migrations, numbered like ``SQLiteMigrations`` so
/// both stores are at the same version. Append new ones; never edit a shipped one.
enum PostgresMigrations {
    /// Key of the `pg_advisory_xact_lock` that lets one node at a time migrate.
    static let lockKey: Int64 = 0x666f_7965_72 // "foyer"
    /// First key of the per-account `pg_advisory_xact_lock(space, hashtext(account))` that
    /// entry batches take; kept beside the other key so they never collide.
    static let entriesLockSpace: Int32 = 0x666f_7965 // "foye"
    /// The same for adding a trigger (the count and the new position are read under it).
    static let triggersLockSpace: Int32 = 0x7472_6967 // "trig"
    /// The same for a member's invitation count (read and added to under it).
    static let invitationsLockSpace: Int32 = 0x696e_7669 // "invi"

    static let all: [(version: Int, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    site_key TEXT NOT NULL UNIQUE,
                    tracking_enabled BOOLEAN NOT NULL DEFAULT TRUE,
                    allowed_origins TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    email TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX users_account ON users(account_id)",
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sessions_last_seen ON sessions(last_seen_at)",
                """
                CREATE TABLE browsers (
                    account_id TEXT NOT NULL,
                    browser_hash TEXT NOT NULL,
                    first_seen BIGINT NOT NULL,
                    PRIMARY KEY (account_id, browser_hash)
                )
                """,
                """
                CREATE TABLE entries (
                    account_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (account_id, id)
                )
                """,
                "CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]
        ),
        (
            2,
            [
                """
                CREATE TABLE setup_tokens (
                    token_hash TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    expires_at BIGINT NOT NULL
                )
                """
            ]
        ),
        (
            3,
            [
                """
                CREATE TABLE chats (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    tab TEXT NOT NULL,
                    entry_id TEXT NOT NULL,
                    visitor TEXT NOT NULL,
                    status TEXT NOT NULL,
                    started_at BIGINT NOT NULL,
                    archived_at BIGINT
                )
                """,
                "CREATE INDEX chats_active ON chats(account_id, status, tab)",
                """
                CREATE TABLE messages (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    chat_id TEXT NOT NULL REFERENCES chats(id),
                    author TEXT NOT NULL,
                    agent_id TEXT,
                    client_id TEXT,
                    text TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    state TEXT NOT NULL,
                    UNIQUE (chat_id, client_id)
                )
                """,
                "CREATE INDEX messages_chat ON messages(chat_id, id)",
            ]
        ),
        (
            4,
            [
                // The cluster's live state: an ordered log of command batches, the
                // snapshot nodes start from, and the nodes' heartbeats.
                """
                CREATE TABLE live_log (
                    seq BIGINT PRIMARY KEY,
                    node BIGINT NOT NULL,
                    batch TEXT NOT NULL UNIQUE,
                    body TEXT NOT NULL,
                    at TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE TABLE live_position (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), seq BIGINT NOT NULL)",
                "INSERT INTO live_position (one, seq) VALUES (TRUE, 0)",
                "CREATE TABLE live_snapshots (seq BIGINT PRIMARY KEY, body TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)",
                """
                CREATE TABLE live_nodes (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    address TEXT NOT NULL,
                    seen_at TIMESTAMPTZ NOT NULL
                )
                """,
                // One statement per append: the counter row's lock, held to commit, makes
                // positions follow commit order, so notices arrive in position order.
                """
                CREATE FUNCTION foyer_live_append(p_node BIGINT, p_batch TEXT, p_body TEXT) RETURNS BIGINT
                LANGUAGE plpgsql AS $$
                DECLARE
                    position BIGINT;
                BEGIN
                    -- A node retries a batch only after its earlier attempt ended.
                    SELECT seq INTO position FROM live_log WHERE batch = p_batch;
                    IF FOUND THEN
                        RETURN position;
                    END IF;
                    UPDATE live_position SET seq = seq + 1 RETURNING seq INTO position;
                    INSERT INTO live_log (seq, node, batch, body, at) VALUES (position, p_node, p_batch, p_body, now());
                    IF octet_length(p_body) < 7900 THEN
                        PERFORM pg_notify('foyer_live', position || '|' || p_node || '|' || p_body);
                    ELSE
                        PERFORM pg_notify('foyer_live', position || '|' || p_node);
                    END IF;
                    RETURN position;
                END
                $$
                """,
            ]
        ),
        (
            5,
            [
                // Snapshots are tens of MB written every few tens of seconds: compressing
                // them (pglz) cost the database seconds of CPU each time, stalling every
                // node's appends. Stored as they are, they cost only their I/O.
                "ALTER TABLE live_snapshots ALTER COLUMN body SET STORAGE EXTERNAL",
            ]
        ),
        (
            6,
            [
                // Message ids per account (they were global, so one account could count
                // another's messages): the key is (account, id), numbered by a counter row
                // per account whose lock orders concurrent messages. Ids already given
                // stay; each account continues from its highest.
                "ALTER TABLE messages ADD COLUMN account_id TEXT",
                "UPDATE messages SET account_id = chats.account_id FROM chats WHERE chats.id = messages.chat_id",
                "ALTER TABLE messages ALTER COLUMN account_id SET NOT NULL",
                "ALTER TABLE messages DROP CONSTRAINT messages_pkey",
                "ALTER TABLE messages ALTER COLUMN id DROP IDENTITY",
                "ALTER TABLE messages ADD PRIMARY KEY (account_id, id)",
                """
                CREATE TABLE message_numbers (
                    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
                    last_id BIGINT NOT NULL
                )
                """,
                "INSERT INTO message_numbers (account_id, last_id) SELECT account_id, max(id) FROM messages GROUP BY account_id",
            ]
        ),
        // H3: triggers (automatic invitations) with their counts, and each member's notice switches.
        (7, triggersAndNotices),
        // Issue 18 (who is there): each account's identity secret for `identify`'s
        // hash (created when first shown) and its Remember returning visitors switch;
        // each browser's visit count and last sighting.
        (
            8,
            [
                "ALTER TABLE accounts ADD COLUMN identity_secret TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE accounts ADD COLUMN remember_visitors BOOLEAN NOT NULL DEFAULT TRUE",
                "ALTER TABLE browsers ADD COLUMN last_seen BIGINT",
                "ALTER TABLE browsers ADD COLUMN visits INTEGER NOT NULL DEFAULT 1",
            ]
        ),
        // Issue 18: blocked browsers (hashes only).
        (9, blockedBrowsers),
        // Each account's default invitation message (NULL: the built-in one).
        (10, ["ALTER TABLE accounts ADD COLUMN invitation_message TEXT"]),
        // Each member's display name (NULL: none set; visitors see a name made from the email).
        (11, ["ALTER TABLE users ADD COLUMN display_name TEXT"]),
        // Invitations by hand per member in the last minute, shared by every node (the
        // limit was counted per node). Rows older than the window are deleted as it moves.
        (12, [
            "CREATE TABLE invitation_sends (user_id TEXT NOT NULL, at BIGINT NOT NULL)",
            "CREATE INDEX invitation_sends_by_user ON invitation_sends (user_id, at)",
        ]),
        // Trigger outcomes already counted, so each is counted once however many nodes
        // apply it (they were counted by the node holding the tab, which a tab moving
        // between nodes could make twice or never). Kept a day.
        (13, ["CREATE TABLE trigger_outcomes (invitation_id TEXT NOT NULL, outcome TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (invitation_id, outcome))"]),
        // Issue 17: each account's owner node holds a lease on it; the epoch grows each
        // time the lease changes hands. Expiry is the database's clock.
        (14, [
            """
            CREATE TABLE account_leases (
                account_id TEXT PRIMARY KEY,
                owner_node BIGINT NOT NULL,
                epoch BIGINT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX account_leases_by_owner ON account_leases (owner_node)",
        ]),
        // Issue 17: each account's live state at a log position, written by its owner
        // for accounts that changed, replacing the one snapshot of everything. Stored
        // uncompressed for the reason live_snapshots is.
        (15, [
            "CREATE TABLE account_snapshots (account_id TEXT PRIMARY KEY, position BIGINT NOT NULL, body TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)",
            "ALTER TABLE account_snapshots ALTER COLUMN body SET STORAGE EXTERNAL",
        ]),
    ]

    /// H3's migration (kept apart so merges renumber it mechanically).
    static let triggersAndNotices = [
        """
        CREATE TABLE triggers (
            account_id TEXT NOT NULL REFERENCES accounts(id),
            id TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            message TEXT NOT NULL,
            enabled BOOLEAN NOT NULL,
            conditions TEXT NOT NULL,
            shown BIGINT NOT NULL DEFAULT 0,
            accepted BIGINT NOT NULL DEFAULT 0,
            dismissed BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, id)
        )
        """,
        """
        CREATE TABLE user_notices (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            sound BOOLEAN NOT NULL,
            desktop BOOLEAN NOT NULL
        )
        """,
    ]

    /// Blocked browsers (hashes only), as ``BlockedBrowser/schema(integer:)`` defines them.
    static let blockedBrowsers = [BlockedBrowser.schema(integer: "BIGINT")]
}
