import Crypto
import DetenteCore
import DetenteJournal
import Foundation

/// One batch, one transaction.
extension PostgresJournal {
    /// What one workshop adds in a batch.
    struct Planned {
        let workshop: String
        var accepted: [Int]
        var encoded: EncodedBatch
        var newKey: [UInt8]?
        var roster: [(ParticipantID, String)]
        var maxEpoch = -1
        var lookups: [String] = []
    }

    /// A batch whose transaction failed: it may still have committed (the connection can die after
    /// COMMIT reached the server), so recovery checks where each chain really stands.
    struct InDoubt {
        let durable: Chain
        let attempted: Chain
        let newKey: Bool
        let participants: [ParticipantID]
    }

    func write(_ batch: [JournalEntry]) -> [Result<Void, JournalError>] {
        if stateLock.withLock({ refusing != nil }) { recover() }
        if let refusal = stateLock.withLock({ refusing }) {
            return batch.map { _ in .failure(JournalError(.refusing, "the journal is refusing writes since: \(refusal)")) }
        }
        return connectionLock.withLock { writeHoldingConnection(batch) }
    }

    private func writeHoldingConnection(_ batch: [JournalEntry]) -> [Result<Void, JournalError>] {
        var results = [Result<Void, JournalError>](repeating: .success(()), count: batch.count)
        guard let c = connection else {
            return batch.map { _ in .failure(JournalError(.io, "PostgreSQL: not connected")) }
        }
        var plans: [Planned] = []
        for (workshop, indices) in JournalEntry.groupedByWorkshop(batch) {
            let live = indices.filter { batch[$0].epoch > (poisonedThrough[workshop] ?? -1) }
            for i in indices where !live.contains(i) {
                results[i] = .failure(JournalError(.refusing, "an earlier write of this workshop failed; this was decided after it"))
            }
            guard !live.isEmpty else { continue }
            do {
                var plan = try planned(c, workshop)
                for i in live {
                    do { try plan.encoded.append(batch[i], seal: seals[workshop]!); plan.accepted.append(i) } catch {
                        results[i] = .failure(error)
                        continue
                    }
                    if let r = batch[i].roster { plan.roster.append((r.participant, r.name)) }
                    plan.maxEpoch = max(plan.maxEpoch, batch[i].epoch)
                    plan.lookups += Self.lookupKeys(batch[i].events)
                }
                if !plan.accepted.isEmpty { plans.append(plan) }
            } catch {
                for i in live { results[i] = .failure(error) }
            }
        }
        guard !plans.isEmpty else { return results }
        do {
            try commit(c, plans)
            for p in plans {
                chains[p.workshop] = Chain(seq: p.encoded.seq, lastHash: p.encoded.lastHash)
            }
        } catch {
            failed(plans, error)
            for p in plans { for i in p.accepted { results[i] = .failure(error) } }
        }
        return results
    }

    /// Where the workshop's chain stands, taking a new workshop (advisory lock, fresh key) first.
    private func planned(_ c: PostgresConnection, _ workshop: String) throws(JournalError) -> Planned {
        if let chain = chains[workshop] {
            if seals[workshop] == nil { seals[workshop] = try Self.readSeal(c, workshop) }
            return Planned(workshop: workshop, accepted: [], encoded: EncodedBatch(seq: chain.seq, lastHash: chain.lastHash), roster: [])
        }
        guard try Self.tryLock(c, workshop) else {
            throw JournalError(.ownedElsewhere, "workshop \(workshop) is served by another node")
        }
        let existing = try c.query("SELECT 1 FROM detente_records WHERE workshop = $1 LIMIT 1", [workshop])
        guard existing.isEmpty else {
            Self.unlock(c, workshop)
            throw JournalError(.corrupt, "workshop \(workshop) exists in PostgreSQL but was not opened on this node")
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        seals[workshop] = AuthorSeal(keyBytes: key)
        chains[workshop] = Chain(seq: 0, lastHash: JournalRecord.genesis)
        return Planned(workshop: workshop, accepted: [], encoded: EncodedBatch(seq: 0, lastHash: JournalRecord.genesis), newKey: key, roster: [])
    }

    /// Keys, roster rows and records of every workshop in the batch, in one transaction.
    private func commit(_ c: PostgresConnection, _ plans: [Planned]) throws(JournalError) {
        try c.query("BEGIN")
        do throws(JournalError) {
            for p in plans {
                if let key = p.newKey {
                    try c.query("INSERT INTO detente_keys (workshop, key) VALUES ($1, decode($2, 'hex'))", [p.workshop, Self.hex(key)])
                }
            }
            let roster = plans.flatMap { p in p.roster.map { [p.workshop, $0.0, $0.1] } }
            try insertRows(
                c, "INSERT INTO detente_roster (workshop, participant, name) VALUES ", roster,
                suffix: " ON CONFLICT (workshop, participant) DO UPDATE SET name = excluded.name")
            let lookups = plans.flatMap { p in p.lookups.map { [$0, p.workshop] } }
            try insertRows(c, "INSERT INTO detente_lookup (key, workshop) VALUES ", lookups, suffix: " ON CONFLICT (key) DO NOTHING")
            var records: [[String]] = []
            for p in plans {
                let lines = p.encoded.journal.split(separator: 0x0A, omittingEmptySubsequences: true)
                let first = p.encoded.seq - lines.count + 1
                for (k, line) in lines.enumerated() { records.append([p.workshop, String(first + k), String(decoding: line, as: UTF8.self)]) }
            }
            try insertRows(c, "INSERT INTO detente_records (workshop, seq, line) VALUES ", records, suffix: "")
            try c.query("COMMIT")
        } catch {
            _ = try? c.query("ROLLBACK")
            throw error
        }
    }

    /// Multi-row INSERTs of at most 1,000 rows each: few round trips for a large batch.
    private func insertRows(_ c: PostgresConnection, _ head: String, _ rows: [[String]], suffix: String) throws(JournalError) {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + 1_000, rows.count)]
            let width = chunk.first!.count
            let tuples = chunk.indices.map { r in
                "(" + (0..<width).map { "$\((r - start) * width + $0 + 1)" }.joined(separator: ",") + ")"
            }
            try c.query(head + tuples.joined(separator: ",") + suffix, chunk.flatMap { $0.map(Optional.some) })
            start += chunk.count
        }
    }

    /// The transaction failed: nothing of the batch counts; refuse until `recover` has checked.
    private func failed(_ plans: [Planned], _ error: JournalError) {
        for p in plans {
            let durable = p.newKey == nil ? chains[p.workshop]! : Chain(seq: 0, lastHash: JournalRecord.genesis)
            inDoubt[p.workshop] = InDoubt(
                durable: durable, attempted: Chain(seq: p.encoded.seq, lastHash: p.encoded.lastHash),
                newKey: p.newKey != nil, participants: p.roster.map(\.0))
            poisonedThrough[p.workshop] = max(poisonedThrough[p.workshop] ?? -1, p.maxEpoch)
            if p.newKey != nil {
                // Its key row was in the failed transaction: the next first record starts afresh.
                chains[p.workshop] = nil
                seals[p.workshop] = nil
            }
        }
        logger.critical(
            "PostgreSQL transaction failed; refusing writes until it works again",
            metadata: [
                "error": "\(error)", "workshops": "\(plans.count)"
            ])
        stateLock.withLock { refusing = error }
    }

    /// The join code and token hashes a batch introduces.
    static func lookupKeys(_ events: [Event]) -> [String] {
        events.flatMap { event -> [String] in
            switch event {
            case let .created(setup): return ["code:" + setup.joinCode, "token:" + setup.facilitatorTokenHash]
            case let .joined(_, _, tokenHash): return ["token:" + tokenHash]
            default: return []
            }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let table = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [table[Int($0 >> 4)], table[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
