import DetenteJournal

/// The tables, created and migrated at start-up. Each migration runs once, in order, inside one
/// transaction holding a transaction-level advisory lock, so nodes starting together migrate once.
/// docs/STORAGE.md describes every table.
enum PostgresSchema {
    /// The advisory-lock key of migrations (any constant outside the workshop keys' use).
    static let migrationLock = "detente:schema"

    static let migrations: [String] = [
        // 1: records hold the exact journal line (without its newline), so verification is the
        // file journal's; (workshop, seq) as primary key makes a forked chain impossible.
        """
        CREATE TABLE detente_records (
            workshop text NOT NULL,
            seq bigint NOT NULL CHECK (seq > 0),
            line text NOT NULL,
            PRIMARY KEY (workshop, seq)
        );
        CREATE TABLE detente_keys (
            workshop text PRIMARY KEY,
            key bytea NOT NULL CHECK (length(key) = 32)
        );
        CREATE TABLE detente_roster (
            workshop text NOT NULL,
            participant text NOT NULL,
            name text NOT NULL,
            PRIMARY KEY (workshop, participant)
        );
        -- 'code:<join code>' and 'token:<token hash>' -> workshop: how any node finds the
        -- workshop of a client it has never seen (hashes only, like the records).
        CREATE TABLE detente_lookup (
            key text PRIMARY KEY,
            workshop text NOT NULL
        );
        """
    ]

    static func migrate(_ connection: PostgresConnection) throws(JournalError) {
        try connection.query("BEGIN")
        do throws(JournalError) {
            try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [migrationLock])
            try connection.script("CREATE TABLE IF NOT EXISTS detente_schema (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            let row = try connection.query("SELECT coalesce(max(version), 0) FROM detente_schema").first
            let current = Int((row?.first ?? nil) ?? "0") ?? 0
            guard current <= migrations.count else {
                throw JournalError(.corrupt, "the database has schema version \(current); this Detente knows up to \(migrations.count)")
            }
            for (i, sql) in migrations.enumerated().dropFirst(current) {
                try connection.script(sql)
                try connection.query("INSERT INTO detente_schema (version) VALUES ($1)", [String(i + 1)])
            }
            try connection.query("COMMIT")
        } catch {
            _ = try? connection.query("ROLLBACK")
            throw error
        }
    }
}
