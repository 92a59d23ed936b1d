import DetenteModel
import DetenteWorkshop

extension SessionStore.Loaded {
    /// A workshop as read from any storage: its checked records, their events opened with the
    /// workshop's seal (stand-ins once purged), and its roster.
    /// - Throws: `JournalError(.corrupt)` when a record's event does not parse.
    public init(
        workshop: String, contents: JournalReader.Contents, seal: AuthorSeal, names: [ParticipantID: String],
        quarantined: String? = nil
    ) throws(JournalError) {
        var events: [Event] = []
        events.reserveCapacity(contents.records.count)
        for record in contents.records {
            do { events.append(try Event(fields: seal.opened(fields: record.storedEvent))) } catch {
                throw JournalError(.corrupt, "record \(record.seq): \(error)")
            }
        }
        self.init(
            workshop: workshop, records: contents.records, events: events, names: names, durableLength: contents.goodLength,
            problem: contents.problem, quarantined: quarantined, salvageable: contents.salvageable.count)
    }
}
