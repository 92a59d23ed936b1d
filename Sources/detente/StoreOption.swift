import ArgumentParser
import DetenteCore
import Foundation
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

/// The operator commands against PostgreSQL: the same checks as on files (the records are the
/// same lines), read without taking the workshop, so they run beside serving nodes.
extension StoreOption {
    static func verify(_ workshop: String, in storage: any JournalStorage) throws {
        try storage.prepare()
        let loaded = try storage.loadReadOnly(workshop, logger: Logger(label: "verify"))
        guard !loaded.records.isEmpty || loaded.problem != nil else { throw ValidationError("no workshop \(workshop) in the store") }
        print("records: \(loaded.records.count)")
        print("last hash: \(loaded.records.last?.hash ?? JournalRecord.genesis)")
        do {
            let w = try Workshop.replay(loaded.events)
            print("workshop: \(w.id), phase \(w.phase.rawValue), \(w.participants.count) participants, \(w.items.count) items")
        } catch {
            print("INVALID: \(error.description)")
            throw ExitCode(1)
        }
        if let problem = loaded.problem {
            print("INVALID: \(problem)")
            throw ExitCode(1)
        }
        print("OK: chain verified")
    }

    static func printEvents(_ workshop: String, in storage: any JournalStorage) throws {
        try storage.prepare()
        let loaded = try storage.loadReadOnly(workshop, logger: Logger(label: "events"))
        for (r, e) in zip(loaded.records, loaded.events) {
            print(JSON.object([("seq", .int(r.seq)), ("at", .int(Int(r.at))), ("event", e.json)]).encoded())
        }
        if let problem = loaded.problem { FileHandle.standardError.write(Data("warning: \(problem); shown up to there\n".utf8)) }
    }

    static func purge(_ workshop: String, in storage: any JournalStorage) throws {
        try storage.prepare()
        guard !(try storage.loadReadOnly(workshop, logger: Logger(label: "purge")).records.isEmpty) else {
            throw ValidationError("no workshop \(workshop) in the store")
        }
        try storage.purge(workshop)
        print("roster and key of \(workshop) deleted; the chain is unchanged and verifies")
    }
}
