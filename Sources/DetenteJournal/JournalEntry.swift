import DetenteModel
import DetenteWorkshop

/// What one command asks the journal to make durable: a workshop's events, and for a join the
/// new participant's display name (kept in the roster file, so it can be purged). An entry is
/// durable as a whole or not at all.
public struct JournalEntry: Sendable {
    public let workshop: String
    public var events: [Event]
    public var at: Int64
    public var roster: (participant: ParticipantID, name: String)?
    /// The room's write generation when the entry was decided. After a failed write the room
    /// starts a new generation; entries of the failed one still queued are refused, because
    /// they were decided against events that never became durable.
    public var epoch: Int

    public init(workshop: String, events: [Event], at: Int64, roster: (participant: ParticipantID, name: String)? = nil, epoch: Int = 0) {
        self.workshop = workshop; self.events = events; self.at = at; self.roster = roster; self.epoch = epoch
    }

    public static func events(workshop: String, events: [Event], at: Int64, epoch: Int = 0) -> JournalEntry {
        JournalEntry(workshop: workshop, events: events, at: at, epoch: epoch)
    }
}

extension JournalEntry {
    /// A batch's entries by workshop, workshops in order of first appearance: both journals
    /// (files and PostgreSQL) commit a batch one workshop at a time.
    public static func groupedByWorkshop(_ batch: [JournalEntry]) -> [(String, [Int])] {
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, e) in batch.enumerated() {
            if groups[e.workshop] == nil { order.append(e.workshop) }
            groups[e.workshop, default: []].append(i)
        }
        return order.map { ($0, groups[$0]!) }
    }
}
