extension BlockedBrowser {
    /// The `blocked_browsers` table for both stores; `integer` is the dialect's 64-bit
    /// integer type. The key is a salted hash, never a browser's own id.
    static func schema(integer: String) -> String {
        """
        CREATE TABLE blocked_browsers (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            browser_hash TEXT NOT NULL,
            visitor TEXT NOT NULL,
            reason TEXT NOT NULL,
            blocked_by TEXT NOT NULL,
            blocked_at \(integer) NOT NULL,
            until \(integer) NOT NULL,
            UNIQUE (account_id, browser_hash)
        )
        """
    }
}
