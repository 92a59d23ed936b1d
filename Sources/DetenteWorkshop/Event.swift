import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// Everything that ever happens to a workshop. A workshop is the fold of its events; the journal
/// stores them, and `Visibility` decides who learns of each.
public enum Event: Sendable, Equatable {
    case created(WorkshopSetup)
    case joined(participant: ParticipantID, department: Department, tokenHash: String)
    case phaseChanged(Phase, at: Int64)
    case itemSubmitted(Item, at: Int64)
    case itemEdited(ItemID, text: String, anonymised: String, replacements: [Replacement])
    case itemWithdrawn(ItemID)
    case itemHidden(ItemID)
    case itemsMerged(kept: ItemID, absorbed: ItemID)
    case voted(ParticipantID, ItemID, on: Bool)
    case approved(ParticipantID, Bool)
    case promptAdvanced(ParticipantID, to: Int)
    /// The shuffled, anonymised batch every department sees at the same moment.
    case revealed([RevealedItem])
    case presenting(Department?)
    case reacted(ParticipantID, ItemID, Reaction)
    case draftCreated(AgreementDraft)
    case clauseEdited(ClauseID, text: String)
    case clausesMerged(kept: ClauseID, absorbed: ClauseID)
    case itemMoved(ItemID, from: ClauseID, to: ClauseID)
    case suggestionAnswered(String, accepted: Bool)
    case endorsed(ParticipantID, ClauseID, support: Bool)
    case timerStarted(endsAt: Int64)
    case timerPaused(remaining: Int64)
    case timerExtended(byMillis: Int64)
    case timerWarned
    case timerExpired
    case readyCheckStarted
    case readyMarked(ParticipantID)
    case joiningLocked(Bool)
    case facilitationHanded(ParticipantID?)
    case departmentQuiet(Department, at: Int64)
    case botSaid(Audience, text: String)
    case noteAdded(String)
    case ended
    case focused(ItemID?)
    case clauseAssigned(ClauseID, owner: Department?, due: String?)
}

public struct WorkshopSetup: Sendable, Equatable {
    public let id: String
    public let title: String
    public let template: String
    public let departments: [Department]
    public let anonymityThreshold: Int
    public let joinCode: String
    public let facilitatorTokenHash: String
    public let createdAt: Int64

    public init(
        id: String, title: String, template: String, departments: [Department], anonymityThreshold: Int,
        joinCode: String, facilitatorTokenHash: String, createdAt: Int64
    ) {
        self.id = id; self.title = title; self.template = template; self.departments = departments
        self.anonymityThreshold = anonymityThreshold; self.joinCode = joinCode
        self.facilitatorTokenHash = facilitatorTokenHash; self.createdAt = createdAt
    }
}

public struct RevealedItem: Sendable, Equatable {
    public let id: ItemID
    public let department: Department
    public let kind: ItemKind
    public let target: Department
    public let text: String
    public let votes: Int
}

// MARK: - Journal encoding (stable JSON; field names are part of the on-disk format)

extension Event {
    public var name: String {
        switch self {
        case .created: "created"
        case .joined: "joined"
        case .phaseChanged: "phase_changed"
        case .itemSubmitted: "item_submitted"
        case .itemEdited: "item_edited"
        case .itemWithdrawn: "item_withdrawn"
        case .itemHidden: "item_hidden"
        case .itemsMerged: "items_merged"
        case .voted: "voted"
        case .approved: "approved"
        case .promptAdvanced: "prompt_advanced"
        case .revealed: "revealed"
        case .presenting: "presenting"
        case .reacted: "reacted"
        case .draftCreated: "draft_created"
        case .clauseEdited: "clause_edited"
        case .clausesMerged: "clauses_merged"
        case .itemMoved: "item_moved"
        case .suggestionAnswered: "suggestion_answered"
        case .endorsed: "endorsed"
        case .timerStarted: "timer_started"
        case .timerPaused: "timer_paused"
        case .timerExtended: "timer_extended"
        case .timerWarned: "timer_warned"
        case .timerExpired: "timer_expired"
        case .readyCheckStarted: "ready_check_started"
        case .readyMarked: "ready_marked"
        case .joiningLocked: "joining_locked"
        case .facilitationHanded: "facilitation_handed"
        case .departmentQuiet: "department_quiet"
        case .botSaid: "bot_said"
        case .noteAdded: "note_added"
        case .ended: "ended"
        case .focused: "focused"
        case .clauseAssigned: "clause_assigned"
        }
    }

    public var json: JSON {
        var f: [(String, JSON)] = [("e", .string(name))]
        switch self {
        case let .created(s):
            f += [
                ("id", .string(s.id)), ("title", .string(s.title)), ("template", .string(s.template)),
                ("departments", JSON(s.departments)), ("k", .int(s.anonymityThreshold)), ("code", .string(s.joinCode)),
                ("fth", .string(s.facilitatorTokenHash)), ("at", .int(Int(s.createdAt)))
            ]
        case let .joined(p, d, th): f += [("p", .string(p)), ("d", .string(d)), ("th", .string(th))]
        case let .phaseChanged(ph, at): f += [("phase", .string(ph.rawValue)), ("at", .int(Int(at)))]
        case let .itemSubmitted(item, at):
            f += [
                ("i", .string(item.id)), ("d", .string(item.department)), ("kind", .string(item.kind.rawValue)),
                ("target", .string(item.target)), ("text", .string(item.text)), ("anon", .string(item.anonymised)),
                ("repl", .array(item.replacements.map(\.json))), ("author", .string(item.author)),
                ("prompt", item.prompt.map { .int($0) } ?? .null), ("at", .int(Int(at)))
            ]
            if let cid = item.clientID { f.append(("cid", .string(cid))) }
        case let .itemEdited(i, text, anon, repl):
            f += [("i", .string(i)), ("text", .string(text)), ("anon", .string(anon)), ("repl", .array(repl.map(\.json)))]
        case let .itemWithdrawn(i), let .itemHidden(i): f += [("i", .string(i))]
        case let .itemsMerged(k, a): f += [("kept", .string(k)), ("absorbed", .string(a))]
        case let .voted(p, i, on): f += [("p", .string(p)), ("i", .string(i)), ("on", .bool(on))]
        case let .approved(p, on): f += [("p", .string(p)), ("on", .bool(on))]
        case let .promptAdvanced(p, to): f += [("p", .string(p)), ("to", .int(to))]
        case let .revealed(items): f += [("items", .array(items.map(\.json)))]
        case let .presenting(d): f += [("d", JSON(d))]
        case let .reacted(p, i, r):
            f += [
                ("p", .string(p)), ("i", .string(i)), ("verdict", .string(r.verdict.rawValue)), ("comment", .string(r.comment)),
                ("original", .string(r.original)), ("repl", .array(r.replacements.map(\.json)))
            ]
        case let .draftCreated(draft): f += [("clauses", .array(draft.clauses.map(\.json))), ("suggestions", draft.suggestionsJSON)]
        case let .clauseEdited(c, text): f += [("c", .string(c)), ("text", .string(text))]
        case let .clausesMerged(k, a): f += [("kept", .string(k)), ("absorbed", .string(a))]
        case let .itemMoved(i, from, to): f += [("i", .string(i)), ("from", .string(from)), ("to", .string(to))]
        case let .suggestionAnswered(id, accepted): f += [("s", .string(id)), ("accepted", .bool(accepted))]
        case let .endorsed(p, c, s): f += [("p", .string(p)), ("c", .string(c)), ("support", .bool(s))]
        case let .timerStarted(endsAt): f += [("ends_at", .int(Int(endsAt)))]
        case let .timerPaused(rem): f += [("remaining", .int(Int(rem)))]
        case let .timerExtended(ms): f += [("ms", .int(Int(ms)))]
        case .timerWarned, .timerExpired, .readyCheckStarted, .ended: break
        case let .readyMarked(p): f += [("p", .string(p))]
        case let .joiningLocked(on): f += [("on", .bool(on))]
        case let .facilitationHanded(p): f += [("p", JSON(p))]
        case let .departmentQuiet(d, at): f += [("d", .string(d)), ("at", .int(Int(at)))]
        case let .botSaid(aud, text): f += [("to", aud.json), ("text", .string(text))]
        case let .noteAdded(text): f += [("text", .string(text))]
        case let .focused(i): f += [("i", JSON(i))]
        case let .clauseAssigned(c, owner, due): f += [("c", .string(c)), ("owner", JSON(owner)), ("due", JSON(due))]
        }
        return .object(f)
    }
}

extension RevealedItem {
    var json: JSON {
        [
            "i": .string(id), "d": .string(department), "kind": .string(kind.rawValue), "target": .string(target),
            "text": .string(text), "votes": .int(votes)
        ]
    }
    init?(json: JSON) {
        guard let id = json["i"]?.stringValue, let d = json["d"]?.stringValue,
            let kind = json["kind"]?.stringValue.flatMap(ItemKind.init), let t = json["target"]?.stringValue,
            let text = json["text"]?.stringValue
        else { return nil }
        self.init(id: id, department: d, kind: kind, target: t, text: text, votes: json["votes"]?.intValue ?? 0)
    }
}
