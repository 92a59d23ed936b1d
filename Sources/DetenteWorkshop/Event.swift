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

    public init(id: String, title: String, template: String, departments: [Department], anonymityThreshold: Int,
                joinCode: String, facilitatorTokenHash: String, createdAt: Int64) {
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
            f += [("id", .string(s.id)), ("title", .string(s.title)), ("template", .string(s.template)),
                  ("departments", JSON(s.departments)), ("k", .int(s.anonymityThreshold)), ("code", .string(s.joinCode)),
                  ("fth", .string(s.facilitatorTokenHash)), ("at", .int(Int(s.createdAt)))]
        case let .joined(p, d, th): f += [("p", .string(p)), ("d", .string(d)), ("th", .string(th))]
        case let .phaseChanged(ph, at): f += [("phase", .string(ph.rawValue)), ("at", .int(Int(at)))]
        case let .itemSubmitted(item, at):
            f += [("i", .string(item.id)), ("d", .string(item.department)), ("kind", .string(item.kind.rawValue)),
                  ("target", .string(item.target)), ("text", .string(item.text)), ("anon", .string(item.anonymised)),
                  ("repl", .array(item.replacements.map(\.json))), ("author", .string(item.author)),
                  ("prompt", item.prompt.map { .int($0) } ?? .null), ("at", .int(Int(at)))]
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
            f += [("p", .string(p)), ("i", .string(i)), ("verdict", .string(r.verdict.rawValue)), ("comment", .string(r.comment)),
                  ("original", .string(r.original)), ("repl", .array(r.replacements.map(\.json)))]
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

    public struct DecodingFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(json: JSON) throws(DecodingFailure) {
        func s(_ k: String) throws(DecodingFailure) -> String {
            guard let v = json[k]?.stringValue else { throw DecodingFailure(description: "missing string field \(k)") }
            return v
        }
        func i(_ k: String) throws(DecodingFailure) -> Int64 {
            guard let v = json[k]?.intValue else { throw DecodingFailure(description: "missing integer field \(k)") }
            return Int64(v)
        }
        func b(_ k: String) throws(DecodingFailure) -> Bool {
            guard let v = json[k]?.boolValue else { throw DecodingFailure(description: "missing boolean field \(k)") }
            return v
        }
        func repl() -> [Replacement] { json["repl"]?.arrayValue?.compactMap(Replacement.init(json:)) ?? [] }
        let name = try s("e")
        switch name {
        case "created":
            self = .created(WorkshopSetup(id: try s("id"), title: try s("title"), template: try s("template"),
                                          departments: json["departments"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                          anonymityThreshold: Int(try i("k")), joinCode: try s("code"),
                                          facilitatorTokenHash: try s("fth"), createdAt: try i("at")))
        case "joined": self = .joined(participant: try s("p"), department: try s("d"), tokenHash: try s("th"))
        case "phase_changed":
            guard let ph = Phase(rawValue: try s("phase")) else { throw DecodingFailure(description: "unknown phase") }
            self = .phaseChanged(ph, at: try i("at"))
        case "item_submitted":
            guard let kind = ItemKind(rawValue: try s("kind")) else { throw DecodingFailure(description: "unknown kind") }
            var item = Item(id: try s("i"), department: try s("d"), kind: kind, target: try s("target"), text: try s("text"),
                            anonymised: try s("anon"), replacements: repl(), author: try s("author"), prompt: json["prompt"]?.intValue)
            item.clientID = json["cid"]?.stringValue
            self = .itemSubmitted(item, at: try i("at"))
        case "item_edited": self = .itemEdited(try s("i"), text: try s("text"), anonymised: try s("anon"), replacements: repl())
        case "item_withdrawn": self = .itemWithdrawn(try s("i"))
        case "item_hidden": self = .itemHidden(try s("i"))
        case "items_merged": self = .itemsMerged(kept: try s("kept"), absorbed: try s("absorbed"))
        case "voted": self = .voted(try s("p"), try s("i"), on: try b("on"))
        case "approved": self = .approved(try s("p"), try b("on"))
        case "prompt_advanced": self = .promptAdvanced(try s("p"), to: Int(try i("to")))
        case "revealed": self = .revealed(json["items"]?.arrayValue?.compactMap(RevealedItem.init(json:)) ?? [])
        case "presenting": self = .presenting(json["d"]?.stringValue)
        case "reacted":
            guard let v = Verdict(rawValue: try s("verdict")) else { throw DecodingFailure(description: "unknown verdict") }
            self = .reacted(try s("p"), try s("i"), Reaction(verdict: v, comment: try s("comment"), original: json["original"]?.stringValue, replacements: repl()))
        case "draft_created": self = .draftCreated(AgreementDraft(clauses: json["clauses"]?.arrayValue?.compactMap(AgreementDraft.Clause.init(json:)) ?? [],
                                                                  suggestions: AgreementDraft.suggestions(from: json["suggestions"])))
        case "suggestion_answered": self = .suggestionAnswered(try s("s"), accepted: try b("accepted"))
        case "clause_edited": self = .clauseEdited(try s("c"), text: try s("text"))
        case "clauses_merged": self = .clausesMerged(kept: try s("kept"), absorbed: try s("absorbed"))
        case "item_moved": self = .itemMoved(try s("i"), from: try s("from"), to: try s("to"))
        case "endorsed": self = .endorsed(try s("p"), try s("c"), support: try b("support"))
        case "timer_started": self = .timerStarted(endsAt: try i("ends_at"))
        case "timer_paused": self = .timerPaused(remaining: try i("remaining"))
        case "timer_extended": self = .timerExtended(byMillis: try i("ms"))
        case "timer_warned": self = .timerWarned
        case "timer_expired": self = .timerExpired
        case "ready_check_started": self = .readyCheckStarted
        case "ready_marked": self = .readyMarked(try s("p"))
        case "joining_locked": self = .joiningLocked(try b("on"))
        case "facilitation_handed": self = .facilitationHanded(json["p"]?.stringValue)
        case "department_quiet": self = .departmentQuiet(try s("d"), at: try i("at"))
        case "bot_said":
            guard let to = json["to"].flatMap(Audience.init(json:)) else { throw DecodingFailure(description: "bad audience") }
            self = .botSaid(to, text: try s("text"))
        case "note_added": self = .noteAdded(try s("text"))
        case "ended": self = .ended
        case "focused": self = .focused(json["i"]?.stringValue)
        case "clause_assigned": self = .clauseAssigned(try s("c"), owner: json["owner"]?.stringValue, due: json["due"]?.stringValue)
        default: throw DecodingFailure(description: "unknown event \(name)")
        }
    }
}

extension RevealedItem {
    var json: JSON {
        ["i": .string(id), "d": .string(department), "kind": .string(kind.rawValue), "target": .string(target),
         "text": .string(text), "votes": .int(votes)]
    }
    init?(json: JSON) {
        guard let id = json["i"]?.stringValue, let d = json["d"]?.stringValue,
              let kind = json["kind"]?.stringValue.flatMap(ItemKind.init), let t = json["target"]?.stringValue,
              let text = json["text"]?.stringValue else { return nil }
        self.init(id: id, department: d, kind: kind, target: t, text: text, votes: json["votes"]?.intValue ?? 0)
    }
}

