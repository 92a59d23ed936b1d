import DetenteModel
import DetenteDrafter
/// Reading a journal record back into an `Event` (the inverse of `Event.json`), by event family.
extension Event {
    public struct DecodingFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Decodes one journal record.
    /// - Throws: `DecodingFailure` naming the missing or bad field, or the unknown event name.
    public init(json: JSON) throws(DecodingFailure) { try self.init(fields: json) }

    /// Decodes one journal record from any field source: a tree, or a record's bytes read in
    /// place (`JSONObjectView`, replay's path) with its sealed fields opened.
    public init<Source: JSONFieldSource>(fields source: Source) throws(DecodingFailure) {
        let f = Fields(json: source)
        let name = try f.string("e")
        if let e = try Self.contribution(name, f) {
            self = e
        } else if let e = try Self.agreement(name, f) {
            self = e
        } else if let e = try Self.room(name, f) {
            self = e
        } else {
            throw DecodingFailure(description: "unknown event \(name)")
        }
    }

    /// A record's typed fields; a missing or mistyped one throws, naming it.
    struct Fields<Source: JSONFieldSource> {
        let json: Source
        func string(_ k: StaticString) throws(DecodingFailure) -> String {
            guard let v = json.string(k) else { throw DecodingFailure(description: "missing string field \(k)") }
            return v
        }
        func int(_ k: StaticString) throws(DecodingFailure) -> Int64 {
            guard let v = json.int(k) else { throw DecodingFailure(description: "missing integer field \(k)") }
            return Int64(v)
        }
        func bool(_ k: StaticString) throws(DecodingFailure) -> Bool {
            guard let v = json.bool(k) else { throw DecodingFailure(description: "missing boolean field \(k)") }
            return v
        }
        func array(_ k: StaticString) -> [JSON]? { json.value(k)?.arrayValue }
        var replacements: [Replacement] { array("repl")?.compactMap(Replacement.init(json:)) ?? [] }
    }

    /// Creation, joining and what participants write, vote, approve and react; nil for another family.
    static func contribution<S>(_ name: String, _ f: Fields<S>) throws(DecodingFailure) -> Event? {
        switch name {
        case "created":
            return .created(
                WorkshopSetup(
                    id: try f.string("id"), title: try f.string("title"), template: try f.string("template"),
                    departments: f.array("departments")?.compactMap(\.stringValue) ?? [],
                    anonymityThreshold: Int(try f.int("k")), joinCode: try f.string("code"),
                    facilitatorTokenHash: try f.string("fth"), createdAt: try f.int("at")))
        case "joined": return .joined(participant: try f.string("p"), department: try f.string("d"), tokenHash: try f.string("th"))
        case "item_submitted":
            guard let kind = ItemKind(rawValue: try f.string("kind")) else { throw DecodingFailure(description: "unknown kind") }
            var item = Item(
                id: try f.string("i"), department: try f.string("d"), kind: kind, target: try f.string("target"), text: try f.string("text"),
                anonymised: try f.string("anon"), replacements: f.replacements, author: try f.string("author"), prompt: f.json.int("prompt"))
            item.clientID = f.json.string("cid")
            return .itemSubmitted(item, at: try f.int("at"))
        case "item_edited": return .itemEdited(try f.string("i"), text: try f.string("text"), anonymised: try f.string("anon"), replacements: f.replacements)
        case "item_withdrawn": return .itemWithdrawn(try f.string("i"))
        case "item_hidden": return .itemHidden(try f.string("i"))
        case "items_merged": return .itemsMerged(kept: try f.string("kept"), absorbed: try f.string("absorbed"))
        case "voted": return .voted(try f.string("p"), try f.string("i"), on: try f.bool("on"))
        case "approved": return .approved(try f.string("p"), try f.bool("on"))
        case "prompt_advanced": return .promptAdvanced(try f.string("p"), to: Int(try f.int("to")))
        case "reacted":
            guard let v = Verdict(rawValue: try f.string("verdict")) else { throw DecodingFailure(description: "unknown verdict") }
            return .reacted(
                try f.string("p"), try f.string("i"),
                Reaction(verdict: v, comment: try f.string("comment"), original: f.json.string("original"), replacements: f.replacements))
        default: return nil
        }
    }

    /// The reveal and the agreement: the batch, the draft and the facilitator's edits of it; nil for another family.
    static func agreement<S>(_ name: String, _ f: Fields<S>) throws(DecodingFailure) -> Event? {
        switch name {
        case "revealed": return .revealed(f.array("items")?.compactMap(RevealedItem.init(json:)) ?? [])
        case "presenting": return .presenting(f.json.string("d"))
        case "draft_created":
            return .draftCreated(
                AgreementDraft(
                    clauses: f.array("clauses")?.compactMap(AgreementDraft.Clause.init(json:)) ?? [],
                    suggestions: AgreementDraft.suggestions(from: f.json.value("suggestions"))))
        case "suggestion_answered": return .suggestionAnswered(try f.string("s"), accepted: try f.bool("accepted"))
        case "clause_edited": return .clauseEdited(try f.string("c"), text: try f.string("text"))
        case "clauses_merged": return .clausesMerged(kept: try f.string("kept"), absorbed: try f.string("absorbed"))
        case "item_moved": return .itemMoved(try f.string("i"), from: try f.string("from"), to: try f.string("to"))
        case "endorsed": return .endorsed(try f.string("p"), try f.string("c"), support: try f.bool("support"))
        case "focused": return .focused(f.json.string("i"))
        case "clause_assigned": return .clauseAssigned(try f.string("c"), owner: f.json.string("owner"), due: f.json.string("due"))
        default: return nil
        }
    }

    /// Running the room: phases, timers, ready checks, joining, hand-over, the bot, notes, the end; nil for another family.
    static func room<S>(_ name: String, _ f: Fields<S>) throws(DecodingFailure) -> Event? {
        switch name {
        case "phase_changed":
            guard let ph = Phase(rawValue: try f.string("phase")) else { throw DecodingFailure(description: "unknown phase") }
            return .phaseChanged(ph, at: try f.int("at"))
        case "timer_started": return .timerStarted(endsAt: try f.int("ends_at"))
        case "timer_paused": return .timerPaused(remaining: try f.int("remaining"))
        case "timer_extended": return .timerExtended(byMillis: try f.int("ms"))
        case "timer_warned": return .timerWarned
        case "timer_expired": return .timerExpired
        case "ready_check_started": return .readyCheckStarted
        case "ready_marked": return .readyMarked(try f.string("p"))
        case "joining_locked": return .joiningLocked(try f.bool("on"))
        case "facilitation_handed": return .facilitationHanded(f.json.string("p"))
        case "department_quiet": return .departmentQuiet(try f.string("d"), at: try f.int("at"))
        case "bot_said":
            guard let to = f.json.value("to").flatMap(Audience.init(json:)) else { throw DecodingFailure(description: "bad audience") }
            return .botSaid(to, text: try f.string("text"))
        case "note_added": return .noteAdded(try f.string("text"))
        case "ended": return .ended
        default: return nil
        }
    }
}
