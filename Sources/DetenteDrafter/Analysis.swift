import DetenteModel

/// One item as the drafter sees it: no author, no time.
public struct AnalysisItem: Sendable, Equatable {
    public let id: ItemID
    public let department: Department
    public let kind: ItemKind
    public let target: Department
    public let text: String
    public init(id: ItemID, department: Department, kind: ItemKind, target: Department, text: String) {
        self.id = id; self.department = department; self.kind = kind; self.target = target; self.text = text
    }
}

/// What the drafter found: near-duplicate groups, trades, themes, coaching flags.
public struct Analysis: Sendable {
    public struct Group: Sendable, Equatable {
        public let members: [ItemID]
        public let confidence: Double
        public let reason: String
    }
    public struct Trade: Sendable, Equatable {
        public let a: ItemID
        public let b: ItemID
        public let confidence: Double
        public let reason: String
    }
    public var groups: [Group]
    public var trades: [Trade]
    public var themes: [ItemID: Theme]
    public var blame: [ItemID: Coach.Blame]
    public var actionable: [ItemID: Bool]
    /// Pairs the drafter is unsure about: the room decides ("Are these the same ask?").
    public var suggestions: [Suggestion] = []
    /// Each item's parsed parts, for wording the clauses.
    public internal(set) var asks: [ItemID: Ask] = [:]

    public struct Suggestion: Sendable, Equatable {
        public enum Kind: String, Sendable { case sameAsk = "same_ask", trade }
        public let kind: Kind
        public let a: ItemID
        public let b: ItemID
        /// In [0, 1]; below the drafter's threshold for deciding alone.
        public let confidence: Double
        public let reason: String
        public var question: String { kind == .sameAsk ? "Are these the same ask?" : "Is this a trade, each side giving the other something?" }
    }
}
