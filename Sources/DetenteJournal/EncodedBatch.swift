import DetenteModel
import DetenteWorkshop

/// The bytes one workshop's entries add in a batch, chained from where its journal stands.
/// Public so that every `JournalStorage` writes the same record bytes (and `verify` is shared).
public struct EncodedBatch {
    public var seq: Int
    public var lastHash: String
    public var journal: [UInt8] = []
    public var roster: [UInt8] = []

    public init(seq: Int, lastHash: String) { self.seq = seq; self.lastHash = lastHash }

    /// Encodes a whole entry or nothing of it (sealing fails closed).
    public mutating func append(_ entry: JournalEntry, seal: AuthorSeal) throws(JournalError) {
        append(entry, sealedEvents: try SealedEntry.encode(entry.events, with: seal))
    }

    /// Chains an entry whose events were sealed and encoded already (`SealedEntry.encode`).
    public mutating func append(_ entry: JournalEntry, sealedEvents: [[UInt8]]) {
        let at = entry.at - entry.at % Visibility.storedTimeGranularityMillis
        for event in sealedEvents {
            seq += 1
            lastHash = JournalRecord.append(seq: seq, at: at, eventBytes: event, prev: lastHash, to: &journal)
        }
        if let r = entry.roster {
            roster.append(contentsOf: (JSON.object([("p", .string(r.participant)), ("name", .string(r.name))]).encoded() + "\n").utf8)
        }
    }
}
