import ArgumentParser
import DetenteJournal
import DetentePostgres
import Logging

/// `--store` / `DETENTE_STORE`: where journals live.
enum StoreOption {
    /// The PostgreSQL journal for a `postgres://` or `postgresql://` URI; nil for the files default.
    /// - Throws: `ValidationError` for any other non-empty value.
    static func storage(_ value: String?, logger: Logger) throws -> (any JournalStorage)? {
        guard let value, !value.isEmpty else { return nil }
        guard value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") else {
            throw ValidationError("--store takes a postgres:// or postgresql:// URI (journal files use --sessions)")
        }
        return PostgresJournal(url: value, logger: logger)
    }
}
