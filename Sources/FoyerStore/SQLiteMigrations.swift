/// The SQLite schema as numbered migrations. Append new ones; never edit a shipped one.
enum SQLiteMigrations {
    static let all: [(version: Int, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    site_key TEXT NOT NULL UNIQUE,
                    tracking_enabled INTEGER NOT NULL DEFAULT 1,
                    allowed_origins TEXT NOT NULL DEFAULT '',
                    created_at INTEGER NOT NULL
                )
                """,
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    email TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                )
                """,
                "CREATE INDEX users_account ON users(account_id)",
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    last_seen_at INTEGER NOT NULL
                )
                """,
                """
                CREATE TABLE browsers (
                    account_id TEXT NOT NULL,
                    browser_hash TEXT NOT NULL,
                    first_seen INTEGER NOT NULL,
                    PRIMARY KEY (account_id, browser_hash)
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE entries (
                    account_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (account_id, id)
                ) WITHOUT ROWID
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
                    expires_at INTEGER NOT NULL
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
                    started_at INTEGER NOT NULL,
                    archived_at INTEGER
                )
                """,
                "CREATE INDEX chats_active ON chats(account_id, status, tab)",
                """
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    chat_id TEXT NOT NULL REFERENCES chats(id),
                    author TEXT NOT NULL,
                    agent_id TEXT,
                    client_id TEXT,
                    text TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    UNIQUE (chat_id, client_id)
                )
                """,
                "CREATE INDEX messages_chat ON messages(chat_id, id)",
            ]
        ),
        // The cluster's live log (PostgreSQL migration 4) has no use on one node; the
        // number is kept so both stores stay at the same version.
        (4, []),
        // PostgreSQL migration 5 changes how live snapshots are stored; nothing here.
        (5, []),
        (
            6,
            [
                // Message ids per account (they were global, so one account could count
                // another's messages): the key is (account, id). Ids already given stay;
                // each account continues from its highest.
                """
                CREATE TABLE messages_by_account (
                    account_id TEXT NOT NULL,
                    id INTEGER NOT NULL,
                    chat_id TEXT NOT NULL REFERENCES chats(id),
                    author TEXT NOT NULL,
                    agent_id TEXT,
                    client_id TEXT,
                    text TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    PRIMARY KEY (account_id, id),
                    UNIQUE (chat_id, client_id)
                )
                """,
                """
                INSERT INTO messages_by_account (account_id, id, chat_id, author, agent_id, client_id, text, at, state)
                SELECT chats.account_id, messages.id, messages.chat_id, messages.author, messages.agent_id, messages.client_id,
                    messages.text, messages.at, messages.state
                FROM messages JOIN chats ON chats.id = messages.chat_id
                """,
                "DROP TABLE messages",
                "ALTER TABLE messages_by_account RENAME TO messages",
                "CREATE INDEX messages_chat ON messages(chat_id, id)",
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
                "ALTER TABLE accounts ADD COLUMN remember_visitors INTEGER NOT NULL DEFAULT 1",
                "ALTER TABLE browsers ADD COLUMN last_seen INTEGER",
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
            "CREATE TABLE invitation_sends (user_id TEXT NOT NULL, at INTEGER NOT NULL)",
            "CREATE INDEX invitation_sends_by_user ON invitation_sends (user_id, at)",
        ]),
        // Trigger outcomes already counted, so each is counted once however many nodes
        // apply it (they were counted by the node holding the tab, which a tab moving
        // between nodes could make twice or never). Kept a day.
        (13, ["CREATE TABLE trigger_outcomes (invitation_id TEXT NOT NULL, outcome TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (invitation_id, outcome))"]),
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
            enabled INTEGER NOT NULL,
            conditions TEXT NOT NULL,
            shown INTEGER NOT NULL DEFAULT 0,
            accepted INTEGER NOT NULL DEFAULT 0,
            dismissed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, id)
        )
        """,
        """
        CREATE TABLE user_notices (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            sound INTEGER NOT NULL,
            desktop INTEGER NOT NULL
        )
        """,
    ]

    /// Blocked browsers (hashes only), as ``BlockedBrowser/schema(integer:)`` defines them.
    static let blockedBrowsers = [BlockedBrowser.schema(integer: "INTEGER")]
}
