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
        func string(_ key: String) throws(DetenteError) -> String {
            guard let v = json[key]?.stringValue else { throw DetenteError(.badMessage, "'\(type)' needs a string field '\(key)'") }
            return v
        }
        func optionalString(_ key: String) throws(DetenteError) -> String? {
            switch json[key] {
            case nil, .null?: return nil
            case let .string(s)?: return s
            default: throw DetenteError(.badMessage, "'\(key)' must be a string or null")
            }
        }
        func bool(_ key: String, default value: Bool? = nil) throws(DetenteError) -> Bool {
            if let b = json[key]?.boolValue { return b }
            if json[key] == nil, let value { return value }
            throw DetenteError(.badMessage, "'\(type)' needs a boolean field '\(key)'")
        }
        func int(_ key: String, default value: Int? = nil) throws(DetenteError) -> Int {
            if let i = json[key]?.intValue { return i }
            if json[key] == nil, let value { return value }
            throw DetenteError(.badMessage, "'\(type)' needs an integer field '\(key)'")
        }
        if seatTypes.contains(type) { _ = try bool("batch", default: false) }
        switch type {
        case "hello", "resume": return .hello(token: try string("token"))
        case "ping": return .ping
        case "create":
            let valid = try WorkshopSetup.Request(json: json)
            return .create(
                organiserToken: try optionalString("organiser_token"), title: valid.title, departments: valid.departments,
                template: valid.template, k: valid.anonymityThreshold)
        case "join": return .join(code: try string("code"), name: try string("name"), department: try string("department"))
        case "submit":
            guard let kind = ItemKind(rawValue: try string("kind")) else { throw DetenteError(.invalidValue, "kind must be outmodel, requirement or offer") }
            return .command(.submit(kind: kind, text: try string("text"), target: try optionalString("target")))
        case "edit": return .command(.edit(try string("id"), text: try string("text")))
        case "withdraw": return .command(.withdraw(try string("id")))
        case "vote": return .command(.vote(try string("id"), on: try bool("on", default: true)))
        case "merge": return .command(.mergeItems(kept: try string("kept"), absorbed: try string("absorbed")))
        case "approve": return .command(.approve(try bool("on", default: true)))
        case "next_prompt": return .command(.nextPrompt)
        case "react":
            guard let verdict = Verdict(rawValue: try string("verdict")) else {
                throw DetenteError(.invalidValue, "verdict must be one of \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .command(.react(try string("id"), verdict, comment: try optionalString("comment") ?? ""))
        case "endorse": return .command(.endorse(try string("clause"), support: try bool("support", default: true)))
        case "ready": return .command(.markReady)
        case "advance": return .command(.advance(force: try bool("force", default: false)))
        case "back": return .command(.back)
        case "timer":
            switch try string("action") {
            case "start": return .command(.timerStart(seconds: try int("seconds")))
            case "pause": return .command(.timerPause)
            case "extend": return .command(.timerExtend(seconds: try int("seconds")))
            default: throw DetenteError(.invalidValue, "timer action must be start, pause or extend")
            }
        case "ready_check": return .command(.readyCheck)
        case "hide": return .command(.hide(try string("id")))
        case "lock": return .command(.lockJoining(try bool("locked")))
        case "hand_over": return .command(.handOver(to: try optionalString("participant")))
        case "present": return .command(.present(try optionalString("department")))
        case "redraft": return .command(.redraft)
        case "edit_clause": return .command(.editClause(try string("clause"), text: try string("text")))
        case "merge_clauses": return .command(.mergeClauses(kept: try string("kept"), absorbed: try string("absorbed")))
        case "move_item": return .command(.moveItem(try string("id"), to: try optionalString("clause")))
        case "note": return .command(.note(try string("text")))
        case "answer_suggestion": return .command(.answerSuggestion(try string("suggestion"), accept: try bool("accept")))
        case "end": return .command(.end)
        case "focus": return .command(.focus(try optionalString("id")))
        case "assign_clause":
            return .command(.assignClause(try string("clause"), owner: try optionalString("owner"), due: try optionalString("due")))
        default: throw DetenteError(.unknownType, "unknown message type '\(type.prefix(40))'")
        }
    }
}
