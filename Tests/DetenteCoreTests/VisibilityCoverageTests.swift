@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Foundation
import Testing

/// The who-sees-what rules over *every* event kind and every viewer kind. `kind(of:)` is an
/// exhaustive switch: a new event kind does not compile until it is listed here, and the
/// history below must then produce it.
@Suite struct VisibilityCoverageTests {
    enum Kind: String, CaseIterable {
        case created, joined, phaseChanged, itemSubmitted, itemEdited, itemWithdrawn, itemHidden, itemsMerged, voted, approved,
            promptAdvanced, revealed, presenting, reacted, draftCreated, clauseEdited, clausesMerged, itemMoved, endorsed,
            timerStarted, timerPaused, timerExtended, timerWarned, timerExpired, readyCheckStarted, readyMarked, joiningLocked,
            facilitationHanded, departmentQuiet, botSaid, noteAdded, ended, focused, clauseAssigned, suggestionAnswered
    }

    static func kind(of event: Event) -> Kind {
        switch event {
        case .created: .created
        case .joined: .joined
        case .phaseChanged: .phaseChanged
        case .itemSubmitted: .itemSubmitted
        case .itemEdited: .itemEdited
        case .itemWithdrawn: .itemWithdrawn
        case .itemHidden: .itemHidden
        case .itemsMerged: .itemsMerged
        case .voted: .voted
        case .approved: .approved
        case .promptAdvanced: .promptAdvanced
        case .revealed: .revealed
        case .presenting: .presenting
        case .reacted: .reacted
        case .draftCreated: .draftCreated
        case .clauseEdited: .clauseEdited
        case .clausesMerged: .clausesMerged
        case .itemMoved: .itemMoved
        case .endorsed: .endorsed
        case .timerStarted: .timerStarted
        case .timerPaused: .timerPaused
        case .timerExtended: .timerExtended
        case .timerWarned: .timerWarned
        case .timerExpired: .timerExpired
        case .readyCheckStarted: .readyCheckStarted
        case .readyMarked: .readyMarked
        case .joiningLocked: .joiningLocked
        case .facilitationHanded: .facilitationHanded
        case .departmentQuiet: .departmentQuiet
        case .botSaid: .botSaid
        case .noteAdded: .noteAdded
        case .ended: .ended
        case .focused: .focused
        case .clauseAssigned: .clauseAssigned
        case .suggestionAnswered: .suggestionAnswered
        }
    }

    static let roster = ["Memory Banda", "Tariq Haddad"]
    static let people: [(ParticipantID, Department)] = [("p_dev1", "dev"), ("p_dev2", "dev"), ("p_ops1", "ops"), ("p_ops2", "ops"), ("p_dba1", "dba")]

    /// A workshop whose history holds every event kind.
    static func everyKind() throws -> Harness {
        var h = Harness(departments: ["dev", "ops", "dba"], k: 1)
        func run(_ c: Command, _ a: Actor) throws { try h.run(c, a, roster: roster) }
        for (p, d) in people { try h.join(p, d) }
        try run(.lockJoining(true), .facilitator)
        try run(.lockJoining(false), .facilitator)
        try h.advance(to: .outmodel)
        try run(.timerStart(seconds: 600), .facilitator)
        try run(.timerPause, .facilitator)
        try run(.timerExtend(seconds: 60), .facilitator)
        try run(.timerStart(seconds: 150), .facilitator)
        h.now += 40_000
        try run(.tick, .system)  // two minutes left
        h.now += Workshop.quietAfterMillis
        try run(.tick, .system)  // time is up; the quiet departments get a nudge
        try run(.submit(kind: .outmodel, text: "They value uptime; ask Memory Banda at memory@ops.example.", target: "ops"), .participant("p_dev1"))
        try run(.submit(kind: .outmodel, text: "They fear change on Fridays, says Tariq.", target: "dev"), .participant("p_ops1"))
        try run(.submit(kind: .outmodel, text: "A line to withdraw.", target: "dev"), .participant("p_ops1"))
        try run(.nextPrompt, .participant("p_dev1"))
        try h.advance(to: .requirements)
        try run(.submit(kind: .requirement, text: "Give us read-only access to production logs within two weeks.", target: "ops"), .participant("p_dev2"))
        try run(.submit(kind: .requirement, text: "Give us read access to the production logs.", target: "ops"), .participant("p_dev1"))
        try run(.submit(kind: .requirement, text: "Write a runbook for every service before go-live.", target: "dev"), .participant("p_ops2"))
        try run(.submit(kind: .requirement, text: "Review schema migrations two days ahead.", target: "dev"), .participant("p_dba1"))
        // Two departments asking Ops nearly the same thing: the drafter is unsure and asks the room.
        try run(.submit(kind: .requirement, text: "Share the database patch schedule with us a week ahead.", target: "ops"), .participant("p_dev1"))
        try run(.submit(kind: .requirement, text: "Post the patch schedule for database servers in the wiki every Monday.", target: "ops"), .participant("p_dev1"))
        try h.advance(to: .review)
        let withdrawn = h.w.items.values.first { $0.text == "A line to withdraw." }!.id
        try run(.withdraw(withdrawn), .participant("p_ops1"))
        let devReqs = h.w.items.values.filter { $0.department == "dev" && $0.kind == .requirement }.map(\.id).sorted()
        try run(.edit(devReqs[0], text: "Give Tariq read-only access to production logs within two weeks."), .participant(h.w.items[devReqs[0]]!.author))
        try run(.mergeItems(kept: devReqs[0], absorbed: devReqs[1]), .participant("p_dev1"))
        try run(.vote(devReqs[0], on: true), .participant("p_dev2"))
        for (p, _) in people { try run(.approve(true), .participant(p)) }
        try run(.readyCheck, .facilitator)
        try run(.markReady, .participant("p_ops1"))
        try h.advance(to: .reveal, force: false)
        try run(.present("dev"), .facilitator)
        let revealed = h.w.revealed!
        try run(.focus(revealed[0].id), .facilitator)
        let toHide = revealed.first { $0.department == "dba" }!.id
        try run(.hide(toHide), .facilitator)
        try h.advance(to: .reactions)
        let aboutOps = revealed.first { $0.target == "ops" && $0.kind == .outmodel }!.id
        try run(.react(aboutOps, .wrong, comment: "Ask Memory Banda: we measure lead time too."), .participant("p_ops1"))
        try run(.submit(kind: .offer, text: "We offer a weekly office hour.", target: "dev"), .participant("p_ops2"))
        try h.advance(to: .agreement)
        let clauses = h.w.draft!.clauses.filter(\.votable)
        try run(.editClause(clauses[0].id, text: "Ops gives Dev read access to the production logs."), .facilitator)
        try run(.assignClause(clauses[0].id, owner: "ops", due: "2027-03-31"), .facilitator)
        if let suggestion = h.w.draft?.suggestions.first { try run(.answerSuggestion(suggestion.id, accept: false), .facilitator) }
        try run(.endorse(clauses[0].id, support: true), .participant("p_dba1"))
        if clauses.count > 2 {
            try run(.mergeClauses(kept: clauses[1].id, absorbed: clauses[2].id), .facilitator)
        }
        if let moved = h.w.draft!.clauses.first(where: { $0.sources.count > 0 && $0.votable })?.sources.first {
            try run(.moveItem(moved, to: nil), .facilitator)
        }
        try run(.handOver(to: "p_ops2"), .facilitator)
        try run(.note("Follow up with Memory Banda on pager pay"), .facilitator)
        try run(.end, .facilitator)
        return h
    }

    static let viewers: [Viewer] = people.map { .participant($0.0, $0.1) } + [.facilitator, .participant("p_ops2", "ops", delegate: true)]

    @Test func theHistoryHoldsEveryEventKind() throws {
        let h = try Self.everyKind()
        let seen = Set(h.events.map(Self.kind(of:)))
        let missing = Set(Kind.allCases).subtracting(seen)
        #expect(missing.isEmpty, "not covered: \(missing.map(\.rawValue).sorted())")
    }

    @Test func everyEventKindKeepsTheRulesForEveryViewer() throws {
        let h = try Self.everyKind()
        var w = try Workshop.replay([h.events[0]])
        var checked: [Kind: Int] = [:]
        let parts = Set(Self.roster.flatMap { $0.split(separator: " ").map(String.init) })
        for event in h.events.dropFirst() {
            w.apply(event)
            for frame in Visibility.frames(for: event, in: w) {
                let text = frame.message.encoded()
                for viewer in Self.viewers where frame.audience.includes(viewer) {
                    checked[Self.kind(of: event), default: 0] += 1
                    // Rule 2: no author field, and no other participant's id to a participant.
                    #expect(!text.contains("\"author\""), "\(event.name) frame names an author")
                    if !viewer.hasFacilitatorRights {
                        for (p, _) in Self.people where p != viewer.participantID {
                            #expect(!text.contains(p), "\(event.name): \(viewer) received \(p)")
                        }
                    }
                    // Rule 3: no per-item time or sequence.
                    for key in ["\"at\"", "\"seq\"", "\"created_at\"", "\"timestamp\""] { #expect(!text.contains(key), "\(event.name) frame has \(key)") }
                    // Free text: no roster name except to the one who typed it.
                    let typedByViewer = frame.audience == .participant(viewer.participantID ?? "-")
                    if !typedByViewer {
                        let words = Set(text.split { !$0.isLetter }.map(String.init))
                        #expect(parts.isDisjoint(with: words), "\(event.name) to \(viewer): \(parts.intersection(words))")
                    }
                    // Rule 1: before the reveal, no other department's item text.
                    if w.revealed == nil {
                        for item in w.items.values where item.department != viewer.department {
                            #expect(!text.contains(item.id) && !text.contains(item.anonymised.prefix(24)), "\(event.name): \(viewer) saw a sealed item of \(item.department)")
                        }
                    }
                }
            }
        }
        // Every kind that causes frames was checked against at least one viewer.
        let silent: Set<Kind> = [.created, .departmentQuiet]
        let unchecked = Set(Kind.allCases).subtracting(silent).subtracting(checked.keys)
        #expect(unchecked.isEmpty, "no viewer received: \(unchecked.map(\.rawValue).sorted())")
    }

    @Test func theRevealIsShuffled() throws {
        var h = Harness(k: 1)
        for i in 0..<6 { try h.join("p_\(i)", i % 2 == 0 ? "dev" : "ops") }
        try h.advance(to: .outmodel)
        var submitted: [ItemID] = []
        for i in 0..<30 {
            let e = try h.run(.submit(kind: .outmodel, text: "They value point \(i).", target: nil), .participant("p_\(i % 6)"))
            if case let .itemSubmitted(item, _)? = e.first { submitted.append(item.id) }
        }
        try h.advance(to: .reveal)
        let order = h.w.revealed!.map(\.id)
        #expect(Set(order) == Set(submitted))
        #expect(order != submitted, "not in submission order")
        #expect(order != submitted.sorted(), "not in id order either")
        #expect(order != submitted.reversed())
    }
}
