/// Identifiers are opaque random strings chosen by the composition layer (the core has no
/// randomness of its own), so an id never reveals creation order.
public typealias ParticipantID = String
public typealias ItemID = String
public typealias ClauseID = String
public typealias Department = String

public enum Phase: String, Sendable, CaseIterable, Codable {
    case lobby, checkIn = "check_in", outmodel, requirements, review, reveal, reactions, agreement, close

    public var next: Phase? { Phase.allCases.firstIndex(of: self).flatMap { i in i + 1 < Phase.allCases.count ? Phase.allCases[i + 1] : nil } }
    public var previous: Phase? { Phase.allCases.firstIndex(of: self).flatMap { i in i > 0 ? Phase.allCases[i - 1] : nil } }
    /// Phases before the reveal: department rooms are sealed.
    public var isSealed: Bool { Phase.allCases.firstIndex(of: self)! < Phase.allCases.firstIndex(of: .reveal)! }
}

public enum ItemKind: String, Sendable, CaseIterable {
    case outmodel, requirement, offer
}

/// How a department answers what another department wrote about or asked of it.
public enum Verdict: String, Sendable, CaseIterable {
    // outmodel statements
    case accurate, partly, wrong
    // requirements
    case accept, conditional, cannot

    public var appliesTo: ItemKind { [.accurate, .partly, .wrong].contains(self) ? .outmodel : .requirement }
}

public struct Participant: Sendable, Equatable {
    public let id: ParticipantID
    public var department: Department
    public let tokenHash: String

    public init(id: ParticipantID, department: Department, tokenHash: String) {
        self.id = id; self.department = department; self.tokenHash = tokenHash
    }
}

public struct Item: Sendable, Equatable {
    public let id: ItemID
    public let department: Department
    public let kind: ItemKind
    public let target: Department
    public var text: String
    /// The text as others will see it: personal identifiers scrubbed.
    public var anonymised: String
    public var replacements: [Replacement]
    public var author: ParticipantID
    /// Which guided question it answers (outmodel), for the transcript's grouping.
    public let prompt: Int?
    public var hidden = false
    public var withdrawn = false
    public var mergedInto: ItemID?
    public var voters: Set<ParticipantID> = []
    /// The id the author's client gave the submit (`client_id`), so a resend stores nothing twice.
    public var clientID: String?

    public var isLive: Bool { !hidden && !withdrawn && mergedInto == nil }

    public init(
        id: ItemID, department: Department, kind: ItemKind, target: Department, text: String, anonymised: String,
        replacements: [Replacement], author: ParticipantID, prompt: Int?
    ) {
        self.id = id; self.department = department; self.kind = kind; self.target = target; self.text = text
        self.anonymised = anonymised; self.replacements = replacements; self.author = author; self.prompt = prompt
    }
}

public struct Reaction: Sendable, Equatable {
    public let verdict: Verdict
    /// The comment as everyone sees it: personal identifiers scrubbed.
    public let comment: String
    /// What the reacting participant typed; only they ever see it (sealed at rest).
    public let original: String
    public let replacements: [Replacement]

    public init(verdict: Verdict, comment: String, original: String? = nil, replacements: [Replacement] = []) {
        self.verdict = verdict; self.comment = comment; self.original = original ?? comment; self.replacements = replacements
    }
}

public struct TimerState: Sendable, Equatable {
    /// Milliseconds since the epoch, supplied by the command that started or resumed the timer.
    public var endsAt: Int64?
    public var remainingWhenPaused: Int64?
    public var warned = false
    public var expired = false

    public init(endsAt: Int64? = nil, remainingWhenPaused: Int64? = nil) { self.endsAt = endsAt; self.remainingWhenPaused = remainingWhenPaused }

    public func remaining(at now: Int64) -> Int64 {
        if let endsAt { return max(0, endsAt - now) }
        return remainingWhenPaused ?? 0
    }
}

public struct ReadyCheck: Sendable, Equatable {
    public var ready: Set<ParticipantID> = []
    public init() {}
}
