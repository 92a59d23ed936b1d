import DetenteModel
/// A grouping or trade the drafter was unsure of, offered to the facilitator ("Are these the
/// same ask?") with its reason and confidence; accepting or rejecting it is the room's call.
public struct DraftSuggestion: Sendable, Equatable {
    public enum Kind: String, Sendable { case sameAsk = "same_ask", trade }
    public enum Status: String, Sendable { case open, accepted, rejected }

    public let id: String
    public let kind: Kind
    public let items: [ItemID]
    public let question: String
    public let reason: String
    /// In [0, 1], below the threshold at which the drafter decides alone.
    public let confidence: Double
    public var status: Status = .open

    public init(kind: Kind, items: [ItemID], reason: String, confidence: Double) {
        let sorted = items.sorted()
        self.id = "s_\(kind.rawValue)_" + sorted.joined(separator: "_")
        self.kind = kind
        self.items = sorted
        self.question = kind == .sameAsk ? "Are these the same ask?" : "Is this a trade, each side giving the other something?"
        self.reason = reason
        self.confidence = Confidence.stored(confidence)
    }

    var json: JSON {
        [
            "id": .string(id), "kind": .string(kind.rawValue), "items": JSON(items), "question": .string(question), "reason": .string(reason),
            "confidence": .double(confidence), "status": .string(status.rawValue)
        ]
    }

    public init?(json: JSON) {
        guard let kind = json["kind"]?.stringValue.flatMap(Kind.init), let items = json["items"]?.arrayValue?.compactMap(\.stringValue) else { return nil }
        let confidence: Double
        switch json["confidence"] {
        case let .double(d)?: confidence = d
        case let .int(i)?: confidence = Double(i)
        default: confidence = 0
        }
        self.init(kind: kind, items: items, reason: json["reason"]?.stringValue ?? "", confidence: confidence)
        status = json["status"]?.stringValue.flatMap(Status.init) ?? .open
    }
}

extension AgreementDraft {
    /// The draft's suggestions as JSON, for the `suggestions` key beside `clauses`.
    public var suggestionsJSON: JSON { .array(suggestions.map(\.json)) }

    /// Suggestions read back from a journaled `suggestions` array (missing in older journals).
    public static func suggestions(from json: JSON?) -> [DraftSuggestion] { json?.arrayValue?.compactMap(DraftSuggestion.init(json:)) ?? [] }
}

extension AgreementDraft {
    /// Records the room's answer; the merge an accepted "same ask" causes is its own event.
    public mutating func answerSuggestion(_ id: String, accepted: Bool) {
        guard let i = suggestions.firstIndex(where: { $0.id == id }) else { return }
        suggestions[i].status = accepted ? .accepted : .rejected
    }
}
