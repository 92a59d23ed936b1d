@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// A workshop driven through the core alone: no server, no clock.
struct Harness {
    var w: Workshop
    var events: [Event] = []
    var now: Int64 = 1_000
    var seed: UInt64 = 42

    init(departments: [Department] = ["dev", "ops"], k: Int = 3) {
        let setup = WorkshopSetup(
            id: "w_1", title: "Cats and dogs", template: "cats-and-dogs", departments: departments,
            anonymityThreshold: k, joinCode: "ABCDEF", facilitatorTokenHash: String(repeating: "fa", count: 32), createdAt: 0)
        (w, events) = Workshop.create(setup)
    }

    @discardableResult
    mutating func run(_ c: Command, _ a: Actor, roster: [String] = []) throws -> [Event] {
        seed &+= 1
        let e = try w.decide(c, by: a, context: DecisionContext(now: now, roster: roster, seed: seed))
        for x in e { w.apply(x) }
        events += e
        return e
    }

    mutating func join(_ p: ParticipantID, _ d: Department) throws { try run(.join(department: d, tokenHash: "h" + p), .participant(p)) }

    mutating func advance(to phase: Phase, force: Bool = true) throws {
        while w.phase != phase { try run(.advance(force: force), .facilitator) }
    }

    func code(_ body: () throws -> Void) -> DetenteError.Code? {
        do { try body(); return nil } catch let e as DetenteError { return e.code } catch { return nil }
    }
}

func expectCode(_ expected: DetenteError.Code, _ body: () throws -> Void) {
    do { try body(); Issue.record("expected \(expected), but the command was accepted") } catch let e as DetenteError {
        #expect(e.code == expected, "\(e)")
    } catch { Issue.record("unexpected \(error)") }
}

@Suite struct PhaseTransitionTests {
    @Test func everyPhaseInOrderAndBack() throws {
        var h = Harness()
        try h.join("a", "dev")
        for phase in Phase.allCases.dropFirst() {
            try h.run(.advance(force: true), .facilitator)
            #expect(h.w.phase == phase)
        }
        expectCode(.conflict) { try h.run(.advance(force: true), .facilitator) }
        try h.run(.back, .facilitator)
        #expect(h.w.phase == .agreement)
    }

    @Test func revealCannotBeUndone() throws {
        var h = Harness()
        try h.advance(to: .reveal)
        expectCode(.conflict) { try h.run(.back, .facilitator) }
        #expect(h.w.phase == .reveal)
    }

    @Test func goingBackBeforeRevealIsAllowed() throws {
        var h = Harness()
        try h.advance(to: .requirements)
        try h.run(.back, .facilitator)
        #expect(h.w.phase == .outmodel)
    }

    @Test func revealNeedsApprovalAndKOrForce() throws {
        var h = Harness(k: 2)
        for (p, d) in [("a", "dev"), ("b", "dev"), ("c", "ops"), ("d", "ops")] { try h.join(p, d) }
        try h.advance(to: .outmodel)
        for p in ["a", "b", "c", "d"] { try h.run(.submit(kind: .outmodel, text: "They care about stable releases more than speed.", target: nil), .participant(p)) }
        try h.advance(to: .review)
        expectCode(.conflict) { try h.run(.advance(force: false), .facilitator) }
        for p in ["a", "b", "c", "d"] { try h.run(.approve(true), .participant(p)) }
        try h.run(.advance(force: false), .facilitator)
        #expect(h.w.phase == .reveal)
        #expect(h.w.revealed?.count == 4)
    }

    @Test func kAnonymityWarningNamesTheSmallDepartment() throws {
        var h = Harness(k: 3)
        try h.join("a", "dev"); try h.join("c", "ops")
        try h.advance(to: .outmodel)
        try h.run(.submit(kind: .outmodel, text: "They fear outages at night.", target: nil), .participant("a"))
        try h.advance(to: .review)
        #expect(h.w.botLog.contains { $0.audience == .facilitators && $0.text.contains("Anonymity warning") })
        do { try h.run(.advance(force: false), .facilitator); Issue.record("reveal without force") } catch let e as DetenteError {
            #expect(e.message.contains("fewer than 3"))
        }
    }
}

@Suite struct CommandRejectionTests {
    @Test func wrongPhase() throws {
        var h = Harness()
        try h.join("a", "dev")
        expectCode(.wrongPhase) { try h.run(.submit(kind: .outmodel, text: "too early", target: nil), .participant("a")) }
        try h.advance(to: .outmodel)
        expectCode(.wrongPhase) { try h.run(.submit(kind: .requirement, text: "not yet", target: nil), .participant("a")) }
        expectCode(.wrongPhase) { try h.run(.vote("x", on: true), .participant("a")) }
        expectCode(.wrongPhase) { try h.run(.approve(true), .participant("a")) }
        expectCode(.wrongPhase) { try h.run(.endorse("c", support: true), .participant("a")) }
        expectCode(.wrongPhase) { try h.run(.hide("x"), .facilitator) }
        expectCode(.wrongPhase) { try h.run(.present("dev"), .facilitator) }
        expectCode(.wrongPhase) { try h.run(.redraft, .facilitator) }
    }

    @Test func wrongRole() throws {
        var h = Harness()
        try h.join("a", "dev")
        for c: Command in [
            .advance(force: true), .back, .timerStart(seconds: 60), .readyCheck, .lockJoining(true), .handOver(to: "a"),
            .note("x"), .end, .redraft, .present(nil)
        ] {
            expectCode(.forbidden) { try h.run(c, .participant("a")) }
        }
        expectCode(.forbidden) { try h.run(.submit(kind: .outmodel, text: "x", target: nil), .facilitator) }
        expectCode(.forbidden) { try h.run(.tick, .facilitator) }
        expectCode(.forbidden) { try h.run(.nextPrompt, .participant("stranger")) }
    }

    @Test func wrongDepartment() throws {
        var h = Harness()
        try h.join("a", "dev"); try h.join("b", "ops")
        try h.advance(to: .outmodel)
        expectCode(.wrongDepartment) { try h.run(.submit(kind: .outmodel, text: "about ourselves", target: "dev"), .participant("a")) }
        expectCode(.wrongDepartment) { try h.run(.submit(kind: .outmodel, text: "unknown", target: "hr"), .participant("a")) }
        let e = try h.run(.submit(kind: .outmodel, text: "Ops value a quiet pager above all.", target: nil), .participant("a"))
        guard case let .itemSubmitted(item, _) = e[0] else { Issue.record("no item"); return }
        try h.advance(to: .review)
        expectCode(.wrongDepartment) { try h.run(.vote(item.id, on: true), .participant("b")) }
        expectCode(.notFound) { try h.run(.edit(item.id, text: "hijack"), .participant("b")) }
    }

    @Test func joinRules() throws {
        var h = Harness()
        expectCode(.invalidValue) { try h.join("a", "hr") }
        try h.join("a", "dev")
        expectCode(.conflict) { try h.join("a", "dev") }
        try h.run(.lockJoining(true), .facilitator)
        expectCode(.joiningLocked) { try h.join("b", "ops") }
        try h.run(.lockJoining(false), .facilitator)
        try h.join("b", "ops")
        try h.run(.end, .facilitator)
        expectCode(.workshopEnded) { try h.join("c", "ops") }
    }

    @Test func votesAreCappedAndMergedItemsKeepVotes() throws {
        var h = Harness()
        try h.join("a", "dev"); try h.join("b", "dev")
        try h.advance(to: .outmodel)
        var ids: [ItemID] = []
        for i in 0..<4 {
            let e = try h.run(.submit(kind: .outmodel, text: "They fear change number \(i) in production.", target: nil), .participant("a"))
            if case let .itemSubmitted(item, _) = e[0] { ids.append(item.id) }
        }
        try h.advance(to: .review)
        for id in ids.prefix(3) { try h.run(.vote(id, on: true), .participant("b")) }
        expectCode(.conflict) { try h.run(.vote(ids[3], on: true), .participant("b")) }
        try h.run(.mergeItems(kept: ids[3], absorbed: ids[0]), .participant("a"))
        #expect(h.w.items[ids[3]]?.voters == ["b"])
        #expect(h.w.items[ids[0]]?.isLive == false)
    }
}

@Suite struct FacilitatorCommandTests {
    @Test func timerWarnsAtTwoMinutesAndExpires() throws {
        var h = Harness()
        try h.advance(to: .outmodel)
        try h.run(.timerStart(seconds: 300), .facilitator)
        h.now += 170_000
        #expect(try h.run(.tick, .system).isEmpty == true || !h.events.contains(.timerWarned))
        h.now += 20_000
        let warned = try h.run(.tick, .system)
        #expect(warned.contains(.timerWarned))
        try h.run(.timerPause, .facilitator)
        h.now += 500_000
        #expect(try h.run(.tick, .system).contains(.timerExpired) == false)
        try h.run(.timerExtend(seconds: 60), .facilitator)
        #expect(h.w.timer?.remaining(at: h.now) == 170_000)
    }

    @Test func quietDepartmentNudgesFacilitatorWithCountsAndTheDepartment() throws {
        var h = Harness()
        try h.join("a", "dev"); try h.join("b", "ops")
        try h.advance(to: .outmodel)
        try h.run(.submit(kind: .outmodel, text: "Ops value stability over everything.", target: nil), .participant("a"))
        h.now += Workshop.quietAfterMillis + 1
        let e = try h.run(.tick, .system)
        #expect(e.contains(.departmentQuiet("ops", at: h.now)))
        #expect(e.contains { if case let .botSaid(.facilitators, text) = $0 { return text.contains("Ops") && text.contains("0 items") } else { return false } })
        #expect(e.contains { if case .botSaid(.department("ops"), _) = $0 { return true } else { return false } })
        #expect(try h.run(.tick, .system).isEmpty, "nudged once, not every tick")
    }

    @Test func readyCheckHandOverLockNotesEnd() throws {
        var h = Harness()
        try h.join("a", "dev")
        try h.run(.readyCheck, .facilitator)
        try h.run(.markReady, .participant("a"))
        #expect(h.w.readyCheck?.ready == ["a"])
        try h.run(.handOver(to: "a"), .facilitator)
        try h.run(.advance(force: true), .participant("a"))
        #expect(h.w.phase == .checkIn)
        try h.run(.note("Parking lot: on-call pay"), .facilitator)
        #expect(h.w.notes == ["Parking lot: on-call pay"])
        try h.run(.end, .facilitator)
        #expect(h.w.ended && h.w.phase == .close)
    }

    @Test func hideOnlyAfterRevealAndWithoutAuthor() throws {
        var h = Harness(k: 1)
        try h.join("a", "dev"); try h.join("b", "ops")
        try h.advance(to: .outmodel)
        let e = try h.run(.submit(kind: .outmodel, text: "They are fine people who fear weekend outages.", target: nil), .participant("a"))
        guard case let .itemSubmitted(item, _)? = e.first else { Issue.record("the submit caused no item"); return }
        try h.advance(to: .reveal)
        let hidden = try h.run(.hide(item.id), .facilitator)
        #expect(hidden == [.itemHidden(item.id)])
        for f in Visibility.frames(for: hidden[0], in: h.w) { #expect(!f.message.encoded().contains("\"a\"")) }
    }

    @Test func agreementDraftVotingAndEndorsementNeedsMajorityOfEachDepartment() throws {
        var h = Harness(k: 1)
        for (p, d) in [("a", "dev"), ("b", "dev"), ("c", "ops")] { try h.join(p, d) }
        try h.advance(to: .requirements)
        try h.run(.submit(kind: .requirement, text: "Give us read-only access to production logs within two weeks.", target: nil), .participant("a"))
        try h.run(.submit(kind: .requirement, text: "Write a runbook for every service before it goes live.", target: nil), .participant("c"))
        try h.advance(to: .agreement)
        let clause = try #require(h.w.draft?.clauses.first { $0.votable })
        try h.run(.endorse(clause.id, support: true), .participant("a"))
        try h.run(.endorse(clause.id, support: true), .participant("c"))
        #expect(!h.w.isEndorsed(clause.id), "dev has 2 members; 1 of 2 is not a majority")
        try h.run(.endorse(clause.id, support: true), .participant("b"))
        #expect(h.w.isEndorsed(clause.id))
        try h.run(.editClause(clause.id, text: "Reworded"), .facilitator)
        #expect(!h.w.isEndorsed(clause.id), "an edited clause is voted again")
    }
}

@Suite struct TallyTests {
    @Test func talliesMatchARecountAfterSubmitWithdrawMergeAndHide() throws {
        var h = Harness(k: 1)
        for (p, d) in [("a", "dev"), ("b", "dev"), ("c", "ops")] { try h.join(p, d) }
        try h.advance(to: .outmodel)
        var ids: [ItemID] = []
        for (i, p) in ["a", "b", "a", "c", "b"].enumerated() {
            let e = try h.run(.submit(kind: .outmodel, text: "They fear change number \(i) in production.", target: nil), .participant(p))
            if case let .itemSubmitted(item, _) = e[0] { ids.append(item.id) }
        }
        try h.run(.withdraw(ids[1]), .participant("b"))
        try h.advance(to: .review)
        try h.run(.mergeItems(kept: ids[0], absorbed: ids[2]), .participant("a"))
        try h.advance(to: .reveal)
        try h.run(.hide(ids[3]), .facilitator)
        for d in h.w.departments {
            let live = h.w.items.values.filter { $0.department == d && $0.isLive }
            #expect(h.w.tallies[d]?.outmodel ?? 0 == live.count)
            #expect(h.w.tallies[d]?.contributors ?? 0 == Set(live.map(\.author)).count)
        }
    }
}

/// The bot's "Anything else on this question?" comes once per guided question, after its first
/// answer, not after every item (it was the same line again and again).
@Suite struct GuidedQuestionNudgeTests {
    static let nudge = "Anything else on this question?"

    static func nudged(_ events: [Event]) -> Bool {
        events.contains { if case let .botSaid(_, text) = $0 { return text.hasPrefix(nudge) } else { return false } }
    }

    @Test func onceAfterTheFirstAnswerToEachQuestion() throws {
        var h = Harness()
        try h.join("a", "dev")
        try h.join("b", "ops")
        try h.advance(to: .outmodel)
        let first = try h.run(.submit(kind: .outmodel, text: "They value a quiet pager above everything else.", target: nil), .participant("a"))
        #expect(Self.nudged(first))
        let second = try h.run(.submit(kind: .outmodel, text: "They fear the change freeze more than outages.", target: nil), .participant("a"))
        #expect(!Self.nudged(second), "the same question: no second nudge")
        #expect(second.contains { if case .botSaid = $0 { return true } else { return false } }, "the item is still acknowledged")
        let other = try h.run(.submit(kind: .outmodel, text: "They measure success by uptime and ticket counts.", target: nil), .participant("b"))
        #expect(Self.nudged(other), "each participant has their own questions")
        try h.run(.nextPrompt, .participant("a"))
        let next = try h.run(.submit(kind: .outmodel, text: "They are rewarded for stability, not for speed.", target: nil), .participant("a"))
        #expect(Self.nudged(next), "a new question: the nudge again")
    }

    @Test func replayRebuildsTheSameMemory() throws {
        var h = Harness()
        try h.join("a", "dev")
        try h.advance(to: .outmodel)
        try h.run(.submit(kind: .outmodel, text: "They value a quiet pager above everything else.", target: nil), .participant("a"))
        let replayed = try Workshop.replay(h.events)
        #expect(replayed.lastAnsweredPrompt == h.w.lastAnsweredPrompt)
        #expect(replayed.lastAnsweredPrompt["a"] == 0)
    }
}
