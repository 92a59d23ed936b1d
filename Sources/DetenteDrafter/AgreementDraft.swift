import DetenteModel
/// The agreement the room edits and endorses. Every clause links back to its source items and
/// says why it was made and how sure the drafter is, so the facilitator can accept or undo it.
public struct AgreementDraft: Sendable, Equatable {
    public enum Section: String, Sendable, CaseIterable {
        case joint = "joint_commitment"
        case trade
        case commitment
        case disagreement = "open_disagreement"
        /// Blaming asks: shown with a reframing hint, not put to the vote until reworded.
        case reframe = "to_reframe"
        case perceptionGap = "perception_gap"
        case measure
        case review
    }

    public struct Clause: Sendable, Equatable {
        public let id: ClauseID
        public var section: Section
        public var text: String
        public var departments: [Department]
        public var sources: [ItemID]
        public var theme: Theme?
        /// In [0, 1], to two decimals (as journaled), so a replayed draft equals the live one.
        public var confidence: Double { didSet { confidence = Confidence.stored(confidence) } }
        public var reason: String
        /// Only clauses someone can endorse are put to the vote (not review dates or gaps).
        public var votable: Bool

        public init(
            id: ClauseID, section: Section, text: String, departments: [Department], sources: [ItemID],
            theme: Theme?, confidence: Double, reason: String, votable: Bool = true
        ) {
            self.id = id; self.section = section; self.text = text; self.departments = departments
            self.sources = sources; self.theme = theme; self.confidence = Confidence.stored(confidence); self.reason = reason
            self.votable = votable
        }
    }

    public var clauses: [Clause]
    /// What the drafter did not decide alone: pairs the room accepts or rejects.
    public var suggestions: [DraftSuggestion]

    public init(clauses: [Clause], suggestions: [DraftSuggestion] = []) { self.clauses = clauses; self.suggestions = suggestions }

    public func clause(_ id: ClauseID) -> Clause? { clauses.first { $0.id == id } }
}

/// CALMS: culture, automation, lean, measurement, sharing.
public enum Theme: String, Sendable, CaseIterable {
    case culture, automation, lean, measurement, sharing
}

extension AgreementDraft.Clause {
    public var json: JSON {
        [
            "id": .string(id), "section": .string(section.rawValue), "text": .string(text),
            "departments": JSON(departments), "sources": JSON(sources), "theme": JSON(theme?.rawValue),
            "confidence": .double(confidence), "reason": .string(reason), "votable": .bool(votable)
        ]
    }

    public init?(json: JSON) {
        guard let id = json["id"]?.stringValue, let section = json["section"]?.stringValue.flatMap(AgreementDraft.Section.init),
            let text = json["text"]?.stringValue
        else { return nil }
        let confidence: Double
        switch json["confidence"] {
        case let .double(d)?: confidence = d
        case let .int(i)?: confidence = Double(i)
        default: confidence = 0
        }
        self.init(
            id: id, section: section, text: text,
            departments: json["departments"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            sources: json["sources"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            theme: json["theme"]?.stringValue.flatMap(Theme.init), confidence: confidence,
            reason: json["reason"]?.stringValue ?? "", votable: json["votable"]?.boolValue ?? true)
    }
}
