import DetenteModel
import DetenteWorkshop

/// An entry as a lane receives it: its events sealed and encoded to JSON text on the caller's
/// thread, or the reason they could not be (then the entry fails in its turn; nothing is written).
struct SealedEntry {
    let entry: JournalEntry
    let events: Result<[[UInt8]], JournalError>

    /// Each event's stored JSON, personal fields sealed. Fails closed: no key, no text.
    static func encode(_ events: [Event], with seal: AuthorSeal) throws(JournalError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(events.count)
        for event in events { out.append(try seal.sealed(event).encodedBytes(reservingCapacity: 512)) }
        return out
    }
}
