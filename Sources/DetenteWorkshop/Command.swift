import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// What someone asks a workshop to do. The composition layer builds commands from frames; the
/// core decides whether they are allowed and what events they cause.
public enum Command: Sendable, Equatable {
    // participants
    case join(department: Department, tokenHash: String)
    case submit(kind: ItemKind, text: String, target: Department?)
    case edit(ItemID, text: String)
    case withdraw(ItemID)
    case vote(ItemID, on: Bool)
    case mergeItems(kept: ItemID, absorbed: ItemID)
    case approve(Bool)
    case nextPrompt
    case react(ItemID, Verdict, comment: String)
    case endorse(ClauseID, support: Bool)
    case markReady
    // facilitator
    case advance(force: Bool)
    case back
    case timerStart(seconds: Int)
    case timerPause
    case timerExtend(seconds: Int)
    case readyCheck
    case hide(ItemID)
    case lockJoining(Bool)
    case handOver(to: ParticipantID?)
    case present(Department?)
    case redraft
    case editClause(ClauseID, text: String)
    case mergeClauses(kept: ClauseID, absorbed: ClauseID)
    case moveItem(ItemID, to: ClauseID?)
    /// Accept or reject a drafter suggestion ("Are these the same ask?"); see Workshop+Suggestions.
    case answerSuggestion(String, accept: Bool)
    case note(String)
    case end
    /// Puts one revealed item on the projector (`nil` clears the focus).
    case focus(ItemID?)
    /// Who does what by when: the owning department and an ISO date (`YYYY-MM-DD`), either may be cleared.
    case assignClause(ClauseID, owner: Department?, due: String?)
    // the server's clock
    case tick
}

/// Who sends a command, as authenticated by the composition layer.
public enum Actor: Sendable, Equatable {
    case facilitator
    case participant(ParticipantID)
    case system
}

/// Everything impure a decision may need, supplied by the caller so `decide` stays a function:
/// the time, fresh random ids and a shuffle seed, and the roster's display names (which the
/// core never stores, so identities can be purged).
public struct DecisionContext: Sendable {
    public var now: Int64
    public var seed: UInt64
    /// The anonymiser for the current roster (display names), prepared once per roster change.
    public var anonymiser: Anonymiser
    /// The client's id for this command (`client_id`), kept with a submitted item.
    public var clientID: String?
    private var freshIDs: [String]

    public init(now: Int64, roster: [String] = [], seed: UInt64 = 0, freshIDs: [String] = []) {
        self.init(now: now, anonymiser: Anonymiser(roster: roster), seed: seed, freshIDs: freshIDs)
    }

    public init(now: Int64, anonymiser: Anonymiser, seed: UInt64 = 0, freshIDs: [String] = []) {
        self.now = now; self.anonymiser = anonymiser; self.seed = seed; self.freshIDs = freshIDs
    }

    mutating func newID(_ prefix: String) -> String {
        if !freshIDs.isEmpty { return prefix + freshIDs.removeFirst() }
        // Deterministic fallback for tests and replays: derived from the seed, never from order alone.
        var generator = SplitMix64(seed: seed)
        let z = generator.next()
        seed = generator.state
        return prefix + String(z, radix: 16)
    }
}
