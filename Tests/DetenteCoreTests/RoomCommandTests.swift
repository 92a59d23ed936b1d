@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// Focus and clause owners: additive commands whose events survive the journal's encoding.
@Suite struct RoomCommandTests {
    private func agreementHarness() throws -> Harness {
        var h = Harness(k: 1)
        try h.join("a", "dev")
        try h.join("b", "ops")
        try h.advance(to: .requirements)
        try h.run(.submit(kind: .requirement, text: "Give us read-only access to production logs within two weeks.", target: nil), .participant("a"))
        try h.run(.submit(kind: .requirement, text: "Write a runbook for every service before it goes live.", target: nil), .participant("b"))
        try h.advance(to: .agreement)
        return h
    }

    @Test func isoDatesMustNameARealDay() {
        for good in ["2027-01-31", "2028-02-29", "2000-02-29"] { #expect(Workshop.isISODate(good), "\(good)") }
        for bad in ["2027-02-29", "1900-02-29", "2027-13-01", "2027-00-10", "2027-1-31", "27-01-31", "2027-01-3x", "2027/01/31", "", "２０２７-01-31"] {
            #expect(!Workshop.isISODate(bad), "\(bad)")
        }
    }

    @Test func assignmentIsValidatedAndSeparateFromTheClause() throws {
        var h = try agreementHarness()
        let clause = try #require(h.w.draft?.clauses.first { $0.votable })
        expectCode(.invalidValue) { try h.run(.assignClause(clause.id, owner: "sales", due: nil), .facilitator) }
        expectCode(.invalidValue) { try h.run(.assignClause(clause.id, owner: "ops", due: "2027-02-30"), .facilitator) }
        expectCode(.notFound) { try h.run(.assignClause("c_nope", owner: "ops", due: nil), .facilitator) }
        expectCode(.forbidden) { try h.run(.assignClause(clause.id, owner: "ops", due: nil), .participant("a")) }
        try h.run(.assignClause(clause.id, owner: "ops", due: "2027-01-31"), .facilitator)
        #expect(h.w.assignment(of: clause.id) == ClauseAssignment(owner: "ops", due: "2027-01-31"))
        #expect(h.w.draft?.clause(clause.id) == clause, "the clause itself is untouched")
        #expect(try h.run(.assignClause(clause.id, owner: "ops", due: "2027-01-31"), .facilitator).isEmpty, "no change, no event")
        try h.run(.assignClause(clause.id, owner: nil, due: ""), .facilitator)
        #expect(h.w.assignment(of: clause.id) == nil)
        // A department proposes itself; another cannot take it over, only the facilitator can.
        try h.run(.assignClause(clause.id, owner: "dev", due: "2027-03-01"), .participant("a"))
        #expect(h.w.assignment(of: clause.id)?.owner == "dev")
        expectCode(.conflict) { try h.run(.assignClause(clause.id, owner: "ops", due: nil), .participant("b")) }
        try h.run(.assignClause(clause.id, owner: "ops", due: nil), .facilitator)
        #expect(h.w.assignment(of: clause.id) == ClauseAssignment(owner: "ops", due: nil))
    }

    @Test func focusNeedsARevealedVisibleItem() throws {
        var h = Harness(k: 1)
        try h.join("a", "dev")
        try h.advance(to: .outmodel)
        try h.run(.submit(kind: .outmodel, text: "They value a quiet pager.", target: nil), .participant("a"))
        expectCode(.wrongPhase) { try h.run(.focus(nil), .facilitator) }
        try h.advance(to: .reveal)
        let id = try #require(h.w.revealed?.first?.id)
        expectCode(.notFound) { try h.run(.focus("i_nope"), .facilitator) }
        expectCode(.forbidden) { try h.run(.focus(id), .participant("a")) }
        try h.run(.focus(id), .facilitator)
        #expect(h.w.focusedItem == id)
        try h.run(.hide(id), .facilitator)
        #expect(h.w.focusedItem == nil, "hiding the item in focus clears the focus")
    }

    @Test func newEventsRoundTripThroughTheJournalEncoding() throws {
        for event in [Event.focused("i_1"), .focused(nil), .clauseAssigned("c_1", owner: "ops", due: "2027-01-31"), .clauseAssigned("c_1", owner: nil, due: nil)] {
            #expect(try Event(json: event.json) == event)
        }
    }

    @Test func joiningRefreshesTheDepartmentsCounts() throws {
        var h = Harness()
        try h.join("a", "dev")
        let frames = Visibility.frames(
            for: .joined(participant: "c", department: "dev", tokenHash: "hc"),
            in: {
                var w = h.w; w.apply(.joined(participant: "c", department: "dev", tokenHash: "hc")); return w
            }())
        let approval = try #require(frames.first { $0.message["type"]?.stringValue == "approval" })
        #expect(approval.audience == .department("dev"))
        #expect(approval.message["members"]?.intValue == 2)
        #expect(frames.contains { $0.message["type"]?.stringValue == "department_progress" })
    }
}
