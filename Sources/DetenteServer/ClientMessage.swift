import DetenteCore

/// A parsed inbound frame. Parsing is strict: a missing or mistyped field is an error that
/// names the field, so client authors see exactly what is wrong.
enum ClientMessage: Equatable {
    case hello(token: String)
    case create(organiserToken: String?, title: String, departments: [String], template: String, k: Int)
    case join(code: String, name: String, department: String)
    case ping
    case command(Command)

    /// The messages that take a seat, where a client may ask for batches.
    static let seatTypes: Set<String> = ["hello", "resume", "join"]

    /// Whether a seat message says `"batch": true`: the client then accepts a frame holding a
    /// JSON array of messages wherever several are pending for it (docs/PROTOCOL.md, Batching).
    static func asksForBatches(_ json: JSON) -> Bool {
        guard let type = json["type"]?.stringValue, seatTypes.contains(type) else { return false }
        return json["batch"]?.boolValue == true
    }

    static func parse(_ json: JSON) throws(DetenteError) -> ClientMessage {
        guard case .object = json else { throw DetenteError(.badMessage, "a message must be a JSON object") }
        guard let type = json["type"]?.stringValue else { throw DetenteError(.badMessage, "missing string field 'type'") }
        let f = Fields(json: json, type: type)
        if seatTypes.contains(type) { _ = try f.bool("batch", default: false) }
        switch type {
        case "hello", "resume": return .hello(token: try f.string("token"))
        case "ping": return .ping
        case "create":
            let valid = try WorkshopSetup.Request(json: json)
            return .create(
                organiserToken: try f.optionalString("organiser_token"), title: valid.title, departments: valid.departments,
                template: valid.template, k: valid.anonymityThreshold)
        case "join": return .join(code: try f.string("code"), name: try f.string("name"), department: try f.string("department"))
        default:
            if let command = try participantCommand(f) { return .command(command) }
            if let command = try facilitatorCommand(f) { return .command(command) }
            throw DetenteError(.unknownType, "unknown message type '\(type.prefix(40))'")
        }
    }

    /// Commands a participant sends (contributions, reactions, votes, endorsements); nil if the
    /// type is not one of them.
    private static func participantCommand(_ f: Fields) throws(DetenteError) -> Command? {
        switch f.type {
        case "submit":
            guard let kind = ItemKind(rawValue: try f.string("kind")) else { throw DetenteError(.invalidValue, "kind must be outmodel, requirement or offer") }
            return .submit(kind: kind, text: try f.string("text"), target: try f.optionalString("target"))
        case "edit": return .edit(try f.string("id"), text: try f.string("text"))
        case "withdraw": return .withdraw(try f.string("id"))
        case "vote": return .vote(try f.string("id"), on: try f.bool("on", default: true))
        case "merge": return .mergeItems(kept: try f.string("kept"), absorbed: try f.string("absorbed"))
        case "approve": return .approve(try f.bool("on", default: true))
        case "next_prompt": return .nextPrompt
        case "react":
            guard let verdict = Verdict(rawValue: try f.string("verdict")) else {
                throw DetenteError(.invalidValue, "verdict must be one of \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .react(try f.string("id"), verdict, comment: try f.optionalString("comment") ?? "")
        case "endorse": return .endorse(try f.string("clause"), support: try f.bool("support", default: true))
        case "ready": return .markReady
        default: return nil
        }
    }

    /// Commands that run the room (phases, clock, moderation, the draft); nil if the type is not
    /// one of them.
    private static func facilitatorCommand(_ f: Fields) throws(DetenteError) -> Command? {
        switch f.type {
        case "advance": return .advance(force: try f.bool("force", default: false))
        case "back": return .back
        case "timer":
            switch try f.string("action") {
            case "start": return .timerStart(seconds: try f.int("seconds"))
            case "pause": return .timerPause
            case "extend": return .timerExtend(seconds: try f.int("seconds"))
            default: throw DetenteError(.invalidValue, "timer action must be start, pause or extend")
            }
        case "ready_check": return .readyCheck
        case "hide": return .hide(try f.string("id"))
        case "lock": return .lockJoining(try f.bool("locked"))
        case "hand_over": return .handOver(to: try f.optionalString("participant"))
        case "present": return .present(try f.optionalString("department"))
        case "redraft": return .redraft
        case "edit_clause": return .editClause(try f.string("clause"), text: try f.string("text"))
        case "merge_clauses": return .mergeClauses(kept: try f.string("kept"), absorbed: try f.string("absorbed"))
        case "move_item": return .moveItem(try f.string("id"), to: try f.optionalString("clause"))
        case "note": return .note(try f.string("text"))
        case "answer_suggestion": return .answerSuggestion(try f.string("suggestion"), accept: try f.bool("accept"))
        case "end": return .end
        case "focus": return .focus(try f.optionalString("id"))
        case "assign_clause":
            return .assignClause(try f.string("clause"), owner: try f.optionalString("owner"), due: try f.optionalString("due"))
        default: return nil
        }
    }
}
