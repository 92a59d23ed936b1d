import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
import Foundation

/// One workshop: a value, the fold of its events. `decide` checks a command against the state and
/// returns the events it causes; `apply` folds one event in. Both are pure.
public struct Workshop: Sendable {
    public static let maxTextLength = 2_000
    public static let votesPerParticipant = 3
    /// Bounds that a real room never reaches and a runaway client cannot exceed.
    public static let maxItemsPerParticipant = 200
    public static let maxItemsPerWorkshop = 5_000
    /// All item texts together stay under 4 MiB, so a full `welcome` (which may carry every item
    /// once) fits the transport's 8 MiB per-connection cap.
    public static let maxTextBytesPerWorkshop = 4 * 1024 * 1024
    /// A `welcome` carries the last this many chat lines (the chat itself is kept whole).
    public static let snapshotChatLines = 200
    /// A department that has written nothing for this long during a writing phase gets a nudge.
    public static let quietAfterMillis: Int64 = 3 * 60 * 1000
    public static let timerWarningMillis: Int64 = 2 * 60 * 1000

    // State changes only in `apply`; setters are `internal` where the apply extensions
    // (`Workshop+Apply*.swift`) assign them, `private` where only this file does.
    public private(set) var setup: WorkshopSetup
    public internal(set) var phase: Phase = .lobby
    public internal(set) var phaseStartedAt: Int64 = 0
    public internal(set) var participants: [ParticipantID: Participant] = [:]
    public internal(set) var memberIDs: [Department: [ParticipantID]] = [:]
    public internal(set) var items: [ItemID: Item] = [:]
    public internal(set) var approvals: [Department: Set<ParticipantID>] = [:]
    public private(set) var promptIndex: [ParticipantID: Int] = [:]
    public private(set) var revealed: [RevealedItem]?
    public internal(set) var presenting: Department?
    public internal(set) var reactions: [ItemID: [ParticipantID: Reaction]] = [:]
    public internal(set) var draft: AgreementDraft?
    public internal(set) var endorsements: [ClauseID: [ParticipantID: Bool]] = [:]
    public internal(set) var timer: TimerState?
    public internal(set) var readyCheck: ReadyCheck?
    public private(set) var joiningLocked = false
    public private(set) var delegate: ParticipantID?
    public private(set) var ended = false
    public private(set) var notes: [String] = []
    public private(set) var botLog: [(audience: Audience, text: String)] = []
    public internal(set) var pseudonyms: [String: String] = [:]
    /// The revealed item on the projector, if any (see `Workshop+Focus.swift`).
    public internal(set) var focusedItem: ItemID?
    /// Owners and due dates per clause, kept beside the draft (see `Workshop+Clauses.swift`).
    public internal(set) var assignments: [ClauseID: ClauseAssignment] = [:]
    /// Live items per department, kept as the events arrive so progress costs nothing to report.
    public struct DepartmentTally: Sendable, Equatable {
        public var outmodel = 0, requirements = 0, offers = 0
        /// Live outmodel and requirement items per author: the k-anonymity count is its size.
        var authors: [ParticipantID: Int] = [:]
        public var contributors: Int { authors.count }
    }
    public internal(set) var tallies: [Department: DepartmentTally] = [:]
    /// Items ever written per participant, and per (author, client id): the bounds and the
    /// resend check of `submit`.
    var itemsWritten: [ParticipantID: Int] = [:]
    /// The guided question each participant last answered: the bot suggests moving on once per
    /// question, not after every item.
    var lastAnsweredPrompt: [ParticipantID: Int] = [:]
    struct ClientKey: Hashable, Sendable { let author: ParticipantID; let clientID: String }
    var submittedByClientID: [ClientKey: ItemID] = [:]
    /// Bytes of every item text ever written (anonymised form): the bound on snapshot size.
    var textBytes = 0
    /// Server-internal activity clock per department (never sent to anyone).
    var lastActivity: [Department: Int64] = [:]
    var nudged: Set<Department> = []

    public let template: WorkshopTemplate

    public init(setup: WorkshopSetup) {
        self.setup = setup
        self.template = WorkshopTemplate.named(setup.template) ?? .catsAndDogs
    }

    /// Starts a workshop from its creation event (the first record of every journal).
    public static func create(_ setup: WorkshopSetup) -> (Workshop, [Event]) {
        var w = Workshop(setup: setup)
        let events: [Event] = [.created(setup), .botSaid(.everyone, text: w.template.phaseIntro[.lobby] ?? "")]
        for e in events.dropFirst() { w.apply(e) }
        return (w, events)
    }

    public var id: String { setup.id }
    public var departments: [Department] { setup.departments }

    /// A department's members in the order they joined: kept as they join, so presence and
    /// tallies cost O(members) with no sorting.
    public func members(of department: Department) -> [ParticipantID] { memberIDs[department] ?? [] }

    /// Distinct authors of live items per department: the k-anonymity check before reveal.
    public func contributorCounts() -> [Department: Int] {
        Dictionary(uniqueKeysWithValues: departments.map { ($0, tallies[$0]?.contributors ?? 0) })
    }

    /// Mutates the tally in place: a copy would share its `authors` dictionary and copy it on
    /// write, once per item — most of replay's fold time on a long journal.
    mutating func count(_ item: Item, _ delta: Int) {
        switch item.kind {
        case .outmodel: tallies[item.department, default: DepartmentTally()].outmodel += delta
        case .requirement: tallies[item.department, default: DepartmentTally()].requirements += delta
        case .offer: tallies[item.department, default: DepartmentTally()].offers += delta
        }
        if item.kind != .offer {
            let n = (tallies[item.department]?.authors[item.author] ?? 0) + delta
            tallies[item.department, default: DepartmentTally()].authors[item.author] = n > 0 ? n : nil
        }
    }

    /// Applies a change to an item and keeps the tallies in step when it stops being live.
    mutating func update(_ id: ItemID, _ change: (inout Item) -> Void) {
        guard var item = items[id] else { return }
        let wasLive = item.isLive
        change(&item)
        items[id] = item
        if wasLive && !item.isLive { count(item, -1) }
    }

    public func isApproved(_ department: Department) -> Bool {
        let members = members(of: department).count
        return members > 0 && (approvals[department]?.count ?? 0) * 2 > members
    }

    public func isEndorsed(_ clause: ClauseID) -> Bool {
        let votes = endorsements[clause] ?? [:]
        return departments.allSatisfy { dept in
            let members = self.members(of: dept)
            guard !members.isEmpty else { return true }
            let support = members.filter { votes[$0] == true }.count
            return support * 2 > members.count
        }
    }

    public func votesUsed(by participant: ParticipantID) -> Int {
        items.values.filter { $0.isLive && $0.voters.contains(participant) }.count
    }

    func defaultTarget(for department: Department) -> Department {
        departments.first { $0 != department } ?? department
    }

    func text(_ template: String, target: Department) -> String {
        template.replacingOccurrences(of: "{target}", with: Self.displayName(of: target))
    }

    public static func displayName(of department: Department) -> String { DepartmentName.display(department) }

    // MARK: - decide

    /// Checks `command` from `actor` against the current state.
    /// - Returns: the events to journal, in order; empty when the command changes nothing.
    /// - Throws: `DetenteError` naming why the command is refused.
    public func decide(_ command: Command, by actor: Actor, context: DecisionContext) throws(DetenteError) -> [Event] {
        var ctx = context
        if ended, command != .tick { throw DetenteError(.workshopEnded, "the workshop has ended") }
        switch command {
        case let .join(department, tokenHash): return try decideJoin(department, tokenHash: tokenHash, by: actor)
        case let .submit(kind, rawText, target): return try decideSubmit(kind, rawText: rawText, target: target, by: actor, context: &ctx)
        case let .edit(itemID, rawText): return try decideEdit(itemID, rawText: rawText, by: actor, context: &ctx)
        case let .withdraw(itemID): return try decideWithdraw(itemID, by: actor)
        case let .vote(itemID, on): return try decideVote(itemID, on: on, by: actor)
        case let .mergeItems(kept, absorbed): return try decideMergeItems(kept, absorbed: absorbed, by: actor)
        case let .approve(on): return try decideApprove(on, by: actor)
        case .nextPrompt: return try decideNextPrompt(by: actor)
        case let .react(itemID, verdict, comment): return try decideReact(itemID, verdict: verdict, comment: comment, by: actor, context: &ctx)
        case let .endorse(clauseID, support): return try decideEndorse(clauseID, support: support, by: actor)
        case .markReady: return try decideMarkReady(by: actor)
        case let .advance(force): return try decideAdvance(force, by: actor, context: &ctx)
        case .back: return try decideBack(by: actor, context: &ctx)
        case let .timerStart(seconds): return try decideTimerStart(seconds, by: actor, context: &ctx)
        case .timerPause: return try decideTimerPause(by: actor, context: &ctx)
        case let .timerExtend(seconds): return try decideTimerExtend(seconds, by: actor)
        case .readyCheck: return try decideReadyCheck(by: actor)
        case let .hide(itemID): return try decideHide(itemID, by: actor)
        case let .lockJoining(on): return try decideLockJoining(on, by: actor)
        case let .handOver(to): return try decideHandOver(to, by: actor)
        case let .present(department): return try decidePresent(department, by: actor)
        case .redraft: return try decideRedraft(by: actor, context: &ctx)
        case let .editClause(clauseID, rawText): return try decideEditClause(clauseID, rawText: rawText, by: actor, context: &ctx)
        case let .mergeClauses(kept, absorbed): return try decideMergeClauses(kept, absorbed: absorbed, by: actor)
        case let .moveItem(itemID, to): return try decideMoveItem(itemID, to: to, by: actor, context: &ctx)
        case let .note(rawText): return try decideNote(rawText, by: actor, context: &ctx)
        case .end: return try decideEnd(by: actor, context: &ctx)
        case let .focus(itemID): return try decideFocus(itemID, by: actor)
        case let .assignClause(clauseID, owner, due): return try decideAssignClause(clauseID, owner: owner, due: due, by: actor)
        case let .answerSuggestion(id, accept): return try decideSuggestion(id, accept: accept, by: actor)
        case .tick: return try decideTick(by: actor, context: &ctx)
        }
    }

    func makeRevealBatch(context: DecisionContext) -> [RevealedItem] {
        var table = pseudonyms
        let anonymiser = context.anonymiser
        var batch: [RevealedItem] = []
        // Sorted by random id first so the shuffle's input carries no creation order either.
        for item in items.values.sorted(by: { $0.id < $1.id }) where item.isLive && item.kind != .offer {
            // Start from the form the author approved, and scrub again with today's roster (people
            // who joined after the item was written).
            let text = anonymiser.anonymise(item.anonymised, pseudonyms: &table).text
            let votes = item.voters.count + items.values.filter { $0.mergedInto == item.id }.reduce(0) { $0 + $1.voters.count }
            batch.append(RevealedItem(id: item.id, department: item.department, kind: item.kind, target: item.target, text: text, votes: votes))
        }
        var rng = SplitMix64(seed: context.seed)
        batch.shuffle(using: &rng)
        return batch
    }

    func makeDraft(context: inout DecisionContext) -> AgreementDraft {
        var inputs: [AnalysisItem] = []
        for r in revealed ?? [] where items[r.id]?.hidden != true {
            inputs.append(AnalysisItem(id: r.id, department: r.department, kind: r.kind, target: r.target, text: r.text))
        }
        for item in items.values.sorted(by: { $0.id < $1.id }) where item.kind == .offer && item.isLive {
            inputs.append(AnalysisItem(id: item.id, department: item.department, kind: .offer, target: item.target, text: item.anonymised))
        }
        var verdicts: [ItemID: [Reaction]] = [:]
        for (itemID, byParticipant) in reactions { verdicts[itemID] = byParticipant.keys.sorted().map { byParticipant[$0]! } }
        return AgreementDrafter().draft(items: inputs, reactions: verdicts, departments: departments, reviewInDays: 30)
    }

    // MARK: - apply

    /// Folds one event into the state: one line per event kind, the longer changes in
    /// `Workshop+ApplyContributions`, `+ApplyPhases` and `+ApplyDraft`. The switch is exhaustive,
    /// so a new event kind does not compile until it is applied.
    public mutating func apply(_ event: Event) {
        switch event {
        case let .created(s): setup = s
        case let .joined(pid, d, th): applyJoined(pid, department: d, tokenHash: th)
        case let .phaseChanged(ph, at): applyPhaseChanged(ph, at: at)
        case let .itemSubmitted(item, at): applySubmitted(item, at: at)
        case let .itemEdited(id, text, anon, repl): applyEdited(id, text: text, anonymised: anon, replacements: repl)
        case let .itemWithdrawn(id): update(id) { $0.withdrawn = true }
        case let .itemHidden(id): applyHidden(id)
        case let .itemsMerged(kept, absorbed): applyItemsMerged(kept: kept, absorbed: absorbed)
        case let .voted(p, i, on): applyVote(by: p, for: i, on: on)
        case let .approved(p, on): applyApproval(by: p, on: on)
        case let .promptAdvanced(p, to): promptIndex[p] = to
        case let .revealed(batch): revealed = batch
        case let .presenting(d): presenting = d
        case let .reacted(p, i, r): applyReaction(by: p, to: i, r)
        case let .draftCreated(d): draft = d; endorsements = [:]
        case let .clauseEdited(c, text): applyClauseEdited(c, text: text)
        case let .clausesMerged(kept, absorbed): applyClausesMerged(kept: kept, absorbed: absorbed)
        case let .itemMoved(i, from, to): applyItemMoved(i, from: from, to: to)
        case let .suggestionAnswered(id, accepted): draft?.answerSuggestion(id, accepted: accepted)
        case let .endorsed(p, c, s): endorsements[c, default: [:]][p] = s
        case let .timerStarted(endsAt): timer = TimerState(endsAt: endsAt)
        case let .timerPaused(rem): timer?.endsAt = nil; timer?.remainingWhenPaused = rem
        case let .timerExtended(ms): applyTimerExtended(ms)
        case .timerWarned: timer?.warned = true
        case .timerExpired: timer?.expired = true
        case .readyCheckStarted: readyCheck = ReadyCheck()
        case let .readyMarked(p): readyCheck?.ready.insert(p)
        case let .joiningLocked(on): joiningLocked = on
        case let .facilitationHanded(p): delegate = p
        case let .departmentQuiet(d, _): nudged.insert(d)
        case let .botSaid(aud, text): botLog.append((aud, text))
        case let .noteAdded(text): notes.append(text)
        case .ended: ended = true
        case let .focused(i): focusedItem = i
        case let .clauseAssigned(c, owner, due): applyAssignment(c, owner: owner, due: due)
        }
    }

    // MARK: - helpers

    func participant(_ actor: Actor) throws(DetenteError) -> Participant {
        guard case let .participant(pid) = actor, let p = participants[pid] else {
            throw DetenteError(.forbidden, "this command is for participants who have joined")
        }
        return p
    }

    func requireFacilitator(_ actor: Actor) throws(DetenteError) {
        switch actor {
        case .facilitator, .system: return
        case let .participant(pid) where pid == delegate: return
        default: throw DetenteError(.forbidden, "only the facilitator can do this")
        }
    }

    func liveItem(_ id: ItemID) throws(DetenteError) -> Item {
        guard let item = items[id], item.isLive else { throw DetenteError(.notFound, "no item \(id)") }
        return item
    }

    func ownItem(_ id: ItemID, of p: Participant) throws(DetenteError) -> Item {
        // The same error for "not yours" and "missing", so probing ids tells nothing about other departments.
        guard let item = items[id], item.isLive, item.author == p.id else { throw DetenteError(.notFound, "no item \(id) of yours") }
        return item
    }

    static func validText(_ raw: String) throws(DetenteError) -> String {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { throw DetenteError(.invalidValue, "text is empty") }
        guard text.count <= maxTextLength else { throw DetenteError(.invalidValue, "text is longer than \(maxTextLength) characters") }
        return text
    }

    static func minutes(_ ms: Int64) -> String {
        let m = (ms + 30_000) / 60_000
        return m == 1 ? "1-minute" : "\(m)-minute"
    }
}
