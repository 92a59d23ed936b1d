import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// What may be stored in clear, the at-rest half of the who-sees-what rules.
///
/// Everything that names a person or links two contributions to one author is *sealed* in the
/// journal (encrypted under the workshop's key, see `DetenteJournal.WorkshopSeal`); deleting the
/// key (`detente purge`) leaves only what any export reader may see anyway.
extension Visibility {
    /// A sealed field's stand-in once the key is gone.
    public enum Shredded: Sendable, Equatable {
        /// A participant id: an opaque id different for every sealed occurrence.
        case participant
        /// A participant audience of a bot line.
        case participantAudience
        /// Free text someone typed: gone.
        case text
        /// A list (replacements): empty.
        case emptyList
        /// A number or a per-item time that could narrow down the author: unknown.
        case unknown
        /// An integer that decoding needs: zero.
        case zero
    }

    /// The fields of a stored event (its journal JSON keys) that are sealed at rest, with the
    /// stand-in each becomes after purge.
    public static func sealedFields<Event: JSONFieldSource>(of event: Event) -> [(key: StaticString, shredded: Shredded)] {
        switch event.string("e") {
        case "joined", "voted", "approved", "prompt_advanced", "endorsed", "ready_marked":
            return [("p", .participant)]
        case "facilitation_handed":
            return event.value("p") == .null ? [] : [("p", .participant)]
        case "item_submitted":
            // The original text and what was replaced name people; the author, the guided
            // question and the exact time link an item to its author's other items.
            return [("text", .text), ("repl", .emptyList), ("author", .participant), ("prompt", .unknown), ("at", .zero), ("cid", .unknown)]
        case "item_edited":
            return [("text", .text), ("repl", .emptyList)]
        case "reacted":
            return [("p", .participant), ("original", .text), ("repl", .emptyList)]
        case "bot_said":
            // A line to one participant follows what they did; its text may quote them.
            // (Stored, a sealed audience is a string, or absent beside one box holding every
            // sealed field of the event: that too marks a line to one participant.)
            let to = event.value("to")
            let toOne = to?["kind"]?.stringValue == "participant" || to?.stringValue != nil || event.has(sealedBoxKey)
            return toOne ? [("to", .participantAudience), ("text", .text)] : []
        default:
            return []
        }
    }

    /// The member of a stored event that holds all its sealed fields in one box (format "s2:").
    public static let sealedBoxKey: StaticString = "sealed"

    /// Record times are kept to the minute: exact times of sealed contributions would let a
    /// reader of the journal line up items with who was typing when.
    public static let storedTimeGranularityMillis: Int64 = 60_000
}
