import Foundation

/// One workshop: a value, the fold of its events. `decide` checks a command against the state and
/// returns the events it causes; `apply` folds one event in. Both are pure.
public struct Workshop: Sendable {
    public static let maxTextLength = 2_000
    public static let votesPerParticipant = 3
    /// A department that has written nothing for this long during a writing phase gets a nudge.
    public static let quietAfterMillis: Int64 = 3 * 60 * 1000
    public static let timerWarningMillis: Int64 = 2 * 60 * 1000

    public private(set) var setup: WorkshopSetup
    public private(set) var phase: Phase = .lobby
    public private(set) var phaseStartedAt: Int64 = 0
    public private(set) var participants: [ParticipantID: Participant] = [:]
    public private(set) var items: [ItemID: Item] = [:]
    public private(set) var approvals: [Department: Set<ParticipantID>] = [:]
    public private(set) var promptIndex: [ParticipantID: Int] = [:]
    public private(set) var revealed: [RevealedItem]?
    public private(set) var presenting: Department?
    public private(set) var reactions: [ItemID: [ParticipantID: Reaction]] = [:]
    public private(set) var draft: AgreementDraft?
    public private(set) var endorsements: [ClauseID: [ParticipantID: Bool]] = [:]
    public private(set) var timer: TimerState?
    public private(set) var readyCheck: ReadyCheck?
    public private(set) var joiningLocked = false
    public private(set) var delegate: ParticipantID?
    public private(set) var ended = false
    public private(set) var notes: [String] = []
    public private(set) var botLog: [(audience: Audience, text: String)] = []
    public private(set) var pseudonyms: [String: String] = [:]
    /// Live items per department, kept as the events arrive so progress costs nothing to report.
    public struct DepartmentTally: Sendable, Equatable {
        public var outmodel = 0, requirements = 0, offers = 0
        /// Live outmodel and requirement items per author: the k-anonymity count is its size.
        var authors: [ParticipantID: Int] = [:]
        public var contributors: Int { authors.count }
    }
    public private(set) var tallies: [Department: DepartmentTally] = [:]
    /// Server-internal activity clock per department (never sent to anyone).
    private var lastActivity: [Department: Int64] = [:]
    private var nudged: Set<Department> = []

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

    public func members(of department: Department) -> [ParticipantID] {
        participants.values.filter { $0.department == department }.map(\.id).sorted()
    }

    /// Distinct authors of live items per department: the k-anonymity check before reveal.
    public func contributorCounts() -> [Department: Int] {
        Dictionary(uniqueKeysWithValues: departments.map { ($0, tallies[$0]?.contributors ?? 0) })
    }

    private mutating func count(_ item: Item, _ delta: Int) {
        var t = tallies[item.department] ?? DepartmentTally()
        switch item.kind {
        case .outmodel: t.outmodel += delta
        case .requirement: t.requirements += delta
        case .offer: t.offers += delta
        }
        if item.kind != .offer {
            let n = (t.authors[item.author] ?? 0) + delta
            t.authors[item.author] = n > 0 ? n : nil
        }
        tallies[item.department] = t
    }

    /// Applies a change to an item and keeps the tallies in step when it stops being live.
    private mutating func update(_ id: ItemID, _ change: (inout Item) -> Void) {
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

    public static func displayName(of department: Department) -> String {
        switch department.lowercased() {
        case "dev", "ops", "dba", "sre", "qa", "it": return department.uppercased() == "DEV" ? "Dev" : department.uppercased() == "OPS" ? "Ops" : department.uppercased()
        default: return department.prefix(1).uppercased() + department.dropFirst()
        }
    }

    // MARK: - decide

    /// Checks `command` from `actor` against the current state.
    /// - Returns: the events to journal, in order; empty when the command changes nothing.
    /// - Throws: `DetenteError` naming why the command is refused.
    public func decide(_ command: Command, by actor: Actor, context: DecisionContext) throws(DetenteError) -> [Event] {
        var ctx = context
        if ended, command != .tick { throw DetenteError(.workshopEnded, "the workshop has ended") }
        switch command {
        case let .join(department, tokenHash):
            guard case let .participant(pid) = actor else { throw DetenteError(.forbidden, "only a participant can join") }
            guard participants[pid] == nil else { throw DetenteError(.conflict, "already joined") }
            guard !joiningLocked else { throw DetenteError(.joiningLocked, "joining is locked by the facilitator") }
            guard departments.contains(department) else {
                throw DetenteError(.invalidValue, "unknown department '\(department)'; choose one of \(departments.joined(separator: ", "))")
            }
            var events: [Event] = [.joined(participant: pid, department: department, tokenHash: tokenHash)]
            events.append(.botSaid(.participant(pid), text: "Welcome to “\(setup.title)”. You are in the \(Self.displayName(of: department)) room."))
            if let intro = template.phaseIntro[phase], phase != .lobby {
                events.append(.botSaid(.participant(pid), text: text(intro, target: defaultTarget(for: department))))
            }
            if phase == .outmodel, let q = template.outmodelQuestions.first {
                events.append(.botSaid(.participant(pid), text: text(q, target: defaultTarget(for: department))))
            }
            return events

        case let .submit(kind, rawText, target):
            let p = try participant(actor)
            let expected: Phase = switch kind { case .outmodel: .outmodel; case .requirement: .requirements; case .offer: .reactions }
            guard phase == expected else { throw DetenteError(.wrongPhase, "\(kind.rawValue) items are written in the \(expected.rawValue) phase; the workshop is in \(phase.rawValue)") }
            let text = try Self.validText(rawText)
            let target = target ?? defaultTarget(for: p.department)
            guard departments.contains(target), target != p.department else {
                throw DetenteError(.wrongDepartment, "target must be another department of this workshop")
            }
            let itemID = ctx.newID("i_")
            var table = pseudonyms
            let anon = ctx.anonymiser.anonymise(text, pseudonyms: &table)
            let prompt = kind == .outmodel ? (promptIndex[p.id] ?? 0) : nil
            let item = Item(id: itemID, department: p.department, kind: kind, target: target, text: text,
                            anonymised: anon.text, replacements: anon.replacements, author: p.id, prompt: prompt)
            var events: [Event] = [.itemSubmitted(item, at: ctx.now)]
            events += FacilitatorBot.respond(toSubmitted: item, by: p.id, in: self).map { .botSaid(.participant(p.id), text: $0) }
            return events

        case let .edit(itemID, rawText):
            let p = try participant(actor)
            let item = try ownItem(itemID, of: p)
            guard phase.isSealed || (item.kind == .offer && phase == .reactions) else {
                throw DetenteError(.wrongPhase, "items can no longer be edited after the reveal")
            }
            let text = try Self.validText(rawText)
            var table = pseudonyms
            let anon = ctx.anonymiser.anonymise(text, pseudonyms: &table)
            var events: [Event] = [.itemEdited(itemID, text: text, anonymised: anon.text, replacements: anon.replacements)]
            if approvals[p.department]?.isEmpty == false {
                // Approvals were for the set as it was; a changed item asks for a fresh look.
                events += (approvals[p.department] ?? []).sorted().map { .approved($0, false) }
            }
            return events

        case let .withdraw(itemID):
            let p = try participant(actor)
            let item = try ownItem(itemID, of: p)
            guard phase.isSealed || (item.kind == .offer && phase == .reactions) else {
                throw DetenteError(.wrongPhase, "items can no longer be withdrawn after the reveal")
            }
            return [.itemWithdrawn(itemID)]

        case let .vote(itemID, on):
            let p = try participant(actor)
            guard phase == .review else { throw DetenteError(.wrongPhase, "dot-voting happens in the review phase") }
            let item = try liveItem(itemID)
            guard item.department == p.department else { throw DetenteError(.wrongDepartment, "you can only vote on your own department's items") }
            if on == item.voters.contains(p.id) { return [] }
            if on, votesUsed(by: p.id) >= Self.votesPerParticipant {
                throw DetenteError(.conflict, "you have used all \(Self.votesPerParticipant) votes; remove one first")
            }
            return [.voted(p.id, itemID, on: on)]

        case let .mergeItems(kept, absorbed):
            let p = try participant(actor)
            guard phase == .review else { throw DetenteError(.wrongPhase, "duplicates are merged in the review phase") }
            guard kept != absorbed else { throw DetenteError(.invalidValue, "cannot merge an item into itself") }
            let a = try liveItem(kept), b = try liveItem(absorbed)
            guard a.department == p.department, b.department == p.department else {
                throw DetenteError(.wrongDepartment, "you can only merge your own department's items")
            }
            guard a.kind == b.kind, a.target == b.target else { throw DetenteError(.invalidValue, "only items of the same kind and target can be merged") }
            return [.itemsMerged(kept: kept, absorbed: absorbed)]

        case let .approve(on):
            let p = try participant(actor)
            guard phase == .review else { throw DetenteError(.wrongPhase, "the set is approved in the review phase") }
            if on == (approvals[p.department]?.contains(p.id) ?? false) { return [] }
            var events: [Event] = [.approved(p.id, on)]
            var after = self
            after.apply(.approved(p.id, on))
            if on, after.isApproved(p.department), !isApproved(p.department) {
                events.append(.botSaid(.department(p.department), text: "Your department has approved its set for release. The facilitator will reveal all departments at the same moment."))
                events.append(.botSaid(.facilitators, text: "\(Self.displayName(of: p.department)) has approved its set for release."))
            }
            return events

        case .nextPrompt:
            let p = try participant(actor)
            guard phase == .outmodel else { throw DetenteError(.wrongPhase, "guided questions belong to the outmodel phase") }
            let next = (promptIndex[p.id] ?? 0) + 1
            guard next <= template.outmodelQuestions.count else { return [] }
            let line = next < template.outmodelQuestions.count
                ? text(template.outmodelQuestions[next], target: defaultTarget(for: p.department))
                : "That was the last question. Add anything else you want to say, or read what your department wrote."
            return [.promptAdvanced(p.id, to: next), .botSaid(.participant(p.id), text: line)]

        case let .react(itemID, verdict, comment):
            let p = try participant(actor)
            guard phase == .reactions else { throw DetenteError(.wrongPhase, "reactions happen in the reactions phase") }
            guard let item = revealed?.first(where: { $0.id == itemID }), items[itemID]?.hidden != true else {
                throw DetenteError(.notFound, "no revealed item \(itemID)")
            }
            guard item.target == p.department else { throw DetenteError(.wrongDepartment, "only the department an item is about reacts to it") }
            guard verdict.appliesTo == item.kind else {
                throw DetenteError(.invalidValue, item.kind == .outmodel ? "react to a statement with accurate, partly or wrong" : "react to a requirement with accept, conditional or cannot")
            }
            let comment = String(comment.prefix(Self.maxTextLength))
            if verdict == .conditional || verdict == .cannot || verdict == .wrong, comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw DetenteError(.invalidValue, "say why: a comment is needed with '\(verdict.rawValue)'")
            }
            return [.reacted(p.id, itemID, Reaction(verdict: verdict, comment: comment))]

        case let .endorse(clauseID, support):
            let p = try participant(actor)
            guard phase == .agreement else { throw DetenteError(.wrongPhase, "clauses are endorsed in the agreement phase") }
            guard let clause = draft?.clause(clauseID), clause.votable else { throw DetenteError(.notFound, "no clause \(clauseID) to vote on") }
            if endorsements[clauseID]?[p.id] == support { return [] }
            return [.endorsed(p.id, clauseID, support: support)]

        case .markReady:
            let p = try participant(actor)
            guard let check = readyCheck else { throw DetenteError(.conflict, "no ready check is open") }
            return check.ready.contains(p.id) ? [] : [.readyMarked(p.id)]

        // MARK: facilitator
        case let .advance(force):
            try requireFacilitator(actor)
            guard let next = phase.next else { throw DetenteError(.conflict, "the workshop is already in its last phase") }
            return try enter(next, force: force, context: &ctx)

        case .back:
            try requireFacilitator(actor)
            guard let previous = phase.previous else { throw DetenteError(.conflict, "the workshop is in its first phase") }
            guard revealed == nil || !previous.isSealed else {
                throw DetenteError(.conflict, "a reveal cannot be undone: the workshop cannot go back to a sealed phase")
            }
            return try enter(previous, force: true, context: &ctx)

        case let .timerStart(seconds):
            try requireFacilitator(actor)
            guard (10...4 * 3600).contains(seconds) else { throw DetenteError(.invalidValue, "timer seconds must be between 10 and 14400") }
            return [.timerStarted(endsAt: ctx.now + Int64(seconds) * 1000),
                    .botSaid(.everyone, text: "The facilitator started a \(Self.minutes(Int64(seconds) * 1000)) timer for this phase.")]

        case .timerPause:
            try requireFacilitator(actor)
            guard let timer, timer.endsAt != nil else { throw DetenteError(.conflict, "no running timer to pause") }
            return [.timerPaused(remaining: timer.remaining(at: ctx.now))]

        case let .timerExtend(seconds):
            try requireFacilitator(actor)
            guard timer != nil else { throw DetenteError(.conflict, "no timer to extend") }
            guard (10...3600).contains(seconds) else { throw DetenteError(.invalidValue, "extend by 10 to 3600 seconds") }
            return [.timerExtended(byMillis: Int64(seconds) * 1000),
                    .botSaid(.everyone, text: "The facilitator added \(Self.minutes(Int64(seconds) * 1000)) to the timer.")]

        case .readyCheck:
            try requireFacilitator(actor)
            return [.readyCheckStarted, .botSaid(.everyone, text: "Ready check: press “I'm ready” when you have finished this step.")]

        case let .hide(itemID):
            try requireFacilitator(actor)
            guard !phase.isSealed else {
                // The facilitator cannot see sealed items, so cannot judge them; departments moderate themselves until the reveal.
                throw DetenteError(.wrongPhase, "items can be hidden once they are revealed")
            }
            guard let item = items[itemID], !item.hidden else { throw DetenteError(.notFound, "no visible item \(itemID)") }
            return [.itemHidden(itemID)]

        case let .lockJoining(on):
            try requireFacilitator(actor)
            return on == joiningLocked ? [] : [.joiningLocked(on)]

        case let .handOver(to):
            try requireFacilitator(actor)
            if let to { guard participants[to] != nil else { throw DetenteError(.notFound, "no participant \(to)") } }
            var events: [Event] = [.facilitationHanded(to)]
            if let to { events.append(.botSaid(.participant(to), text: "The facilitator has handed you the facilitation controls.")) }
            return events

        case let .present(department):
            try requireFacilitator(actor)
            if let department { guard departments.contains(department) else { throw DetenteError(.invalidValue, "unknown department") } }
            guard revealed != nil else { throw DetenteError(.wrongPhase, "present mode shows deliverables after the reveal") }
            return [.presenting(department)]

        case .redraft:
            try requireFacilitator(actor)
            guard phase == .agreement else { throw DetenteError(.wrongPhase, "the draft belongs to the agreement phase") }
            return [.draftCreated(makeDraft(context: &ctx))]

        case let .editClause(clauseID, rawText):
            try requireFacilitator(actor)
            guard phase == .agreement, draft?.clause(clauseID) != nil else { throw DetenteError(.notFound, "no clause \(clauseID)") }
            return [.clauseEdited(clauseID, text: try Self.validText(rawText))]

        case let .mergeClauses(kept, absorbed):
            try requireFacilitator(actor)
            guard phase == .agreement, let draft, draft.clause(kept) != nil, draft.clause(absorbed) != nil, kept != absorbed else {
                throw DetenteError(.notFound, "both clauses must exist and differ")
            }
            return [.clausesMerged(kept: kept, absorbed: absorbed)]

        case let .answerSuggestion(id, accept):
            return try decideSuggestion(id, accept: accept, by: actor)

        case let .moveItem(itemID, to):
            try requireFacilitator(actor)
            guard phase == .agreement, let draft else { throw DetenteError(.wrongPhase, "items are moved between clauses in the agreement phase") }
            guard let from = draft.clauses.first(where: { $0.sources.contains(itemID) }) else { throw DetenteError(.notFound, "item \(itemID) is in no clause") }
            let target = to ?? ctx.newID("c_")
            if let to { guard draft.clause(to) != nil, to != from.id else { throw DetenteError(.notFound, "no other clause \(to)") } }
            return [.itemMoved(itemID, from: from.id, to: target)]

        case let .note(rawText):
            try requireFacilitator(actor)
            return [.noteAdded(try Self.validText(rawText))]

        case .end:
            try requireFacilitator(actor)
            var events: [Event] = []
            if phase != .close { events.append(.phaseChanged(.close, at: ctx.now)) }
            events += [.botSaid(.everyone, text: template.phaseIntro[.close] ?? "Thank you."), .ended]
            return events

        case .tick:
            guard actor == .system else { throw DetenteError(.forbidden, "only the server clock ticks") }
            return tickEvents(now: ctx.now)
        }
    }

    private func enter(_ next: Phase, force: Bool, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        var events: [Event] = []
        if next == .reveal, revealed == nil {
            if !force {
                let unapproved = departments.filter { !isApproved($0) }
                let small = contributorCounts().filter { $0.value < setup.anonymityThreshold }.keys.sorted()
                var problems: [String] = []
                if !unapproved.isEmpty { problems.append("not yet approved by \(unapproved.map(Self.displayName).joined(separator: ", "))") }
                if !small.isEmpty {
                    problems.append("fewer than \(setup.anonymityThreshold) distinct contributors in \(small.map(Self.displayName).joined(separator: ", ")) — authors may be identifiable by size")
                }
                if !problems.isEmpty { throw DetenteError(.conflict, "reveal needs confirmation: " + problems.joined(separator: "; ")) }
            }
            events.append(.phaseChanged(.reveal, at: ctx.now))
            events.append(.revealed(makeRevealBatch(context: ctx)))
        } else {
            events.append(.phaseChanged(next, at: ctx.now))
        }
        if let intro = template.phaseIntro[next] {
            if intro.contains("{target}") {
                for d in departments { events.append(.botSaid(.department(d), text: text(intro, target: defaultTarget(for: d)))) }
            } else {
                events.append(.botSaid(.everyone, text: intro))
            }
        }
        if next == .outmodel {
            for p in participants.values.sorted(by: { $0.id < $1.id }) {
                let index = min(promptIndex[p.id] ?? 0, template.outmodelQuestions.count - 1)
                events.append(.botSaid(.participant(p.id), text: text(template.outmodelQuestions[index], target: defaultTarget(for: p.department))))
            }
        }
        if next == .review {
            let small = contributorCounts().filter { $0.value < setup.anonymityThreshold }.keys.sorted()
            if !small.isEmpty {
                events.append(.botSaid(.facilitators, text: "Anonymity warning: \(small.map(Self.displayName).joined(separator: ", ")) has fewer than \(setup.anonymityThreshold) distinct contributors; its authors may be identifiable by the department's size."))
            }
        }
        if next == .agreement, draft == nil || revealed != nil {
            events.append(.draftCreated(makeDraft(context: &ctx)))
        }
        return events
    }

    private func tickEvents(now: Int64) -> [Event] {
        var events: [Event] = []
        if let timer, timer.endsAt != nil, !timer.expired {
            let remaining = timer.remaining(at: now)
            if remaining == 0 {
                events += [.timerExpired, .botSaid(.everyone, text: "Time is up for this phase. Finish your sentence; the facilitator will move us on.")]
            } else if remaining <= Self.timerWarningMillis, !timer.warned {
                events += [.timerWarned, .botSaid(.everyone, text: "Two minutes left in this phase.")]
            }
        }
        if phase == .outmodel || phase == .requirements {
            for d in departments where !nudged.contains(d) && !members(of: d).isEmpty {
                let since = max(lastActivity[d] ?? 0, phaseStartedAt)
                if now - since >= Self.quietAfterMillis {
                    events.append(.departmentQuiet(d, at: now))
                    let written = items.values.filter { $0.department == d && $0.isLive }.count
                    events.append(.botSaid(.facilitators, text: "\(Self.displayName(of: d)) has been quiet for \(Self.minutes(now - since)) (\(written) items so far)."))
                    events.append(.botSaid(.department(d), text: "The other departments are writing and waiting for your view. Even one short sentence helps — what is on your mind?"))
                }
            }
        }
        return events
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

    public mutating func apply(_ event: Event) {
        switch event {
        case let .created(s): setup = s
        case let .joined(pid, d, th): participants[pid] = Participant(id: pid, department: d, tokenHash: th)
        case let .phaseChanged(ph, at):
            phase = ph; phaseStartedAt = at; timer = nil; readyCheck = nil; nudged = []
            if ph != .reveal, ph != .reactions { presenting = nil }
        case let .itemSubmitted(item, at):
            items[item.id] = item
            count(item, 1)
            lastActivity[item.department] = at
            nudged.remove(item.department)
            notePseudonyms(item.replacements)
        case let .itemEdited(id, text, anon, repl):
            items[id]?.text = text; items[id]?.anonymised = anon; items[id]?.replacements = repl
            notePseudonyms(repl)
        case let .itemWithdrawn(id): update(id) { $0.withdrawn = true }
        case let .itemHidden(id): update(id) { $0.hidden = true }
        case let .itemsMerged(kept, absorbed):
            update(absorbed) { $0.mergedInto = kept }
            // Votes follow the merged item, one per voter.
            if let voters = items[absorbed]?.voters { items[kept]?.voters.formUnion(voters); items[absorbed]?.voters = [] }
        case let .voted(p, i, on):
            if on { items[i]?.voters.insert(p) } else { items[i]?.voters.remove(p) }
        case let .approved(p, on):
            guard let d = participants[p]?.department else { return }
            if on { approvals[d, default: []].insert(p) } else { approvals[d]?.remove(p) }
        case let .promptAdvanced(p, to): promptIndex[p] = to
        case let .revealed(batch): revealed = batch
        case let .presenting(d): presenting = d
        case let .reacted(p, i, r): reactions[i, default: [:]][p] = r
        case let .draftCreated(d): draft = d; endorsements = [:]
        case let .clauseEdited(c, text):
            if let i = draft?.clauses.firstIndex(where: { $0.id == c }) { draft?.clauses[i].text = text; endorsements[c] = [:] }
        case let .clausesMerged(kept, absorbed):
            guard var d = draft, let k = d.clauses.firstIndex(where: { $0.id == kept }), let a = d.clauses.firstIndex(where: { $0.id == absorbed }) else { return }
            d.clauses[k].sources += d.clauses[a].sources.filter { !d.clauses[k].sources.contains($0) }
            d.clauses[k].departments = Array(Set(d.clauses[k].departments + d.clauses[a].departments)).sorted()
            d.clauses[k].reason = "merged by the facilitator"
            d.clauses.remove(at: a)
            draft = d; endorsements[kept] = [:]; endorsements[absorbed] = nil
        case let .itemMoved(i, from, to):
            guard var d = draft, let f = d.clauses.firstIndex(where: { $0.id == from }) else { return }
            d.clauses[f].sources.removeAll { $0 == i }
            let source = revealed?.first { $0.id == i }
            if let t = d.clauses.firstIndex(where: { $0.id == to }) {
                d.clauses[t].sources.append(i)
                if let dept = source?.department, !d.clauses[t].departments.contains(dept) { d.clauses[t].departments.append(dept) }
                endorsements[to] = [:]
            } else {
                d.clauses.insert(AgreementDraft.Clause(id: to, section: d.clauses[f].section, text: source?.text ?? "", departments: source.map { [$0.department] } ?? [],
                                                       sources: [i], theme: d.clauses[f].theme, confidence: 1, reason: "split out by the facilitator"), at: f + 1)
            }
            if d.clauses[f].sources.isEmpty { d.clauses.remove(at: f) }
            endorsements[from] = [:]
            draft = d
        case let .suggestionAnswered(id, accepted): draft?.answerSuggestion(id, accepted: accepted)
        case let .endorsed(p, c, s): endorsements[c, default: [:]][p] = s
        case let .timerStarted(endsAt): timer = TimerState(endsAt: endsAt)
        case let .timerPaused(rem): timer?.endsAt = nil; timer?.remainingWhenPaused = rem
        case let .timerExtended(ms):
            guard var t = timer else { return }
            if let e = t.endsAt { t.endsAt = e + ms } else { t.remainingWhenPaused = (t.remainingWhenPaused ?? 0) + ms }
            t.warned = false; t.expired = false
            timer = t
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
        }
    }

    private mutating func notePseudonyms(_ replacements: [Replacement]) {
        for r in replacements where r.kind == .person { if let s = r.subject { pseudonyms[s] = r.placeholder } }
    }

    // MARK: - helpers

    private func participant(_ actor: Actor) throws(DetenteError) -> Participant {
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

    private func liveItem(_ id: ItemID) throws(DetenteError) -> Item {
        guard let item = items[id], item.isLive else { throw DetenteError(.notFound, "no item \(id)") }
        return item
    }

    private func ownItem(_ id: ItemID, of p: Participant) throws(DetenteError) -> Item {
        // The same error for "not yours" and "missing", so probing ids tells nothing about other departments.
        guard let item = items[id], item.isLive, item.author == p.id else { throw DetenteError(.notFound, "no item \(id) of yours") }
        return item
    }

    static func validText(_ raw: String) throws(DetenteError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw DetenteError(.invalidValue, "text is empty") }
        guard text.count <= maxTextLength else { throw DetenteError(.invalidValue, "text is longer than \(maxTextLength) characters") }
        return text
    }

    static func minutes(_ ms: Int64) -> String {
        let m = (ms + 30_000) / 60_000
        return m == 1 ? "1-minute" : "\(m)-minute"
    }
}

/// A small, seedable generator so a reveal's shuffle is reproducible from its journal record.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
