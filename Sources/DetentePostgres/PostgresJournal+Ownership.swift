import DetenteCore
import DetenteJournal
import Foundation

/// Reading workshops, advisory locks, and recovery after a failed transaction.
extension PostgresJournal {
    /// A workshop's records, checked exactly as a journal file is (the same bytes), with its key
    /// and roster.
    static func read(_ c: PostgresConnection, _ workshop: String) throws(JournalError) -> (SessionStore.Loaded, AuthorSeal) {
        let rows = try c.query("SELECT line FROM detente_records WHERE workshop = $1 ORDER BY seq", [workshop])
        var data = Data()
        for row in rows { data.append(contentsOf: Array(((row.first ?? nil) ?? "").utf8)); data.append(0x0A) }
        let seal = try readSeal(c, workshop)
        var names: [ParticipantID: String] = [:]
        for row in try c.query("SELECT participant, name FROM detente_roster WHERE workshop = $1", [workshop]) {
            if let p = row[0], let n = row[1] { names[p] = n }
        }
        let loaded = try SessionStore.Loaded(workshop: workshop, contents: JournalReader.read(data: data), seal: seal, names: names)
        return (loaded, seal)
    }

    static func readSeal(_ c: PostgresConnection, _ workshop: String) throws(JournalError) -> AuthorSeal {
        let row = try c.query("SELECT encode(key, 'hex') FROM detente_keys WHERE workshop = $1", [workshop]).first
        guard let hex = row?.first ?? nil else { return AuthorSeal(keyBytes: nil) }
        return AuthorSeal(keyBytes: bytes(hex: hex))
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8).map { $0 <= 57 ? $0 - 48 : $0 - 87 }
        return stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// The workshop's advisory-lock key is `hashtextextended('detente:' || id, 0)`: one bigint,
    /// visible in `pg_locks` as (classid, objid) halves.
    static func tryLock(_ c: PostgresConnection, _ workshop: String) throws(JournalError) -> Bool {
        try c.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", ["detente:" + workshop]).first?.first == "t"
    }

    static func unlock(_ c: PostgresConnection, _ workshop: String) {
        _ = try? c.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", ["detente:" + workshop])
    }

    /// After a failed transaction: reconnect if the connection is gone (and take back every
    /// workshop's lock: one taken by another node meanwhile is no longer ours), then put each
    /// in-doubt chain back where this node last acknowledged it, and accept writes again.
    func recover() {
        connectionLock.withLock {
            do throws(JournalError) {
                let c = try connectionForRecovery()
                for (workshop, doubt) in inDoubt.sorted(by: { $0.key < $1.key }) {
                    try reconcile(c, workshop, doubt)
                    inDoubt[workshop] = nil
                }
                try c.query("SELECT 1")
                let was = stateLock.withLock { () -> JournalError? in
                    let r = refusing; refusing = nil; return r
                }
                if let was { logger.notice("PostgreSQL writes work again; accepting entries", metadata: ["was": "\(was)"]) }
            } catch {
                stateLock.withLock { refusing = error }
            }
        }
    }

    private func connectionForRecovery() throws(JournalError) -> PostgresConnection {
        if let c = connection, c.isConnected { return c }
        connection = nil
        let c = try Self.connect(url)
        try c.query("LISTEN \(Self.releaseChannel)")
        connection = c
        var lost: [String] = []
        for workshop in chains.keys.sorted() where try !Self.tryLock(c, workshop) {
            logger.error("lost a workshop to another node while disconnected; no longer writing it", metadata: ["workshop": "\(workshop)"])
            chains[workshop] = nil
            inDoubt[workshop] = nil
            lost.append(workshop)
        }
        // The server closes their connections, as for a hand-over: the pages reconnect to the owner.
        if !lost.isEmpty, let handler = stateLock.withLock({ releaseHandler }) {
            let workshops = lost
            DispatchQueue.global().async { for workshop in workshops { handler(workshop) } }
        }
        return c
    }

    /// A failed batch that committed after all was reported failed, so it is undone, as the file
    /// journal truncates. A chain that moved any other way is not ours: refuse to write it.
    private func reconcile(_ c: PostgresConnection, _ workshop: String, _ doubt: InDoubt) throws(JournalError) {
        guard chains[workshop] != nil || doubt.newKey else { return }
        let tail = try c.query("SELECT seq, line FROM detente_records WHERE workshop = $1 ORDER BY seq DESC LIMIT 1", [workshop]).first
        let seq = Int((tail?[0] ?? nil) ?? "0") ?? 0
        let hash = ((tail?[1] ?? nil) ?? "").dropLast(2).suffix(64)
        if seq == doubt.durable.seq { return }
        guard seq == doubt.attempted.seq, hash == doubt.attempted.lastHash[...] else {
            chains[workshop] = nil
            throw JournalError(.corrupt, "the chain of \(workshop) in PostgreSQL moved under this node")
        }
        try c.query("BEGIN")
        do throws(JournalError) {
            try c.query("DELETE FROM detente_records WHERE workshop = $1 AND seq > $2", [workshop, String(doubt.durable.seq)])
            for p in doubt.participants { try c.query("DELETE FROM detente_roster WHERE workshop = $1 AND participant = $2", [workshop, p]) }
            if doubt.newKey { try c.query("DELETE FROM detente_keys WHERE workshop = $1", [workshop]) }
            try c.query("COMMIT")
        } catch {
            _ = try? c.query("ROLLBACK")
            throw error
        }
        logger.warning("a failed transaction had committed after all; undid it", metadata: ["workshop": "\(workshop)", "records": "\(seq - doubt.durable.seq)"])
    }
}
