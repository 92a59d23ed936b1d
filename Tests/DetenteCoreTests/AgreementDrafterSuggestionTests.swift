@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// The room stays in the loop: an unsure pairing is a suggestion the facilitator answers, journaled.
@Suite struct AgreementDrafterSuggestionTests {
    /// Two dev asks that share the object ("database patch schedule") with different actions:
    /// not strong enough to merge alone, strong enough to ask.
    func workshopWithASuggestion() throws -> (Harness, DraftSuggestion) {
        var h = Harness(k: 1)
        for (p, d) in [("a", "dev"), ("c", "ops")] { try h.join(p, d) }
        try h.advance(to: .requirements)
        try h.run(.submit(kind: .requirement, text: "Share the database patch schedule with us a week ahead.", target: nil), .participant("a"))
        try h.run(.submit(kind: .requirement, text: "Post the patch schedule for database servers in the wiki every Monday.", target: nil), .participant("a"))
        try h.run(.submit(kind: .requirement, text: "Tag every container image with the commit it was built from.", target: nil), .participant("c"))
        try h.advance(to: .agreement)
        let s = try #require(h.w.draft?.suggestions.first)
        return (h, s)
    }

    @Test func acceptingASameAskSuggestionMergesItsClauses() throws {
        var (h, s) = try workshopWithASuggestion()
        #expect(s.question == "Are these the same ask?" && s.confidence > 0 && s.confidence < 1)
        let before = h.w.draft?.clauses.count ?? 0
        let events = try h.run(.answerSuggestion(s.id, accept: true), .facilitator)
        #expect(events.contains { if case .clausesMerged = $0 { true } else { false } })
        #expect(h.w.draft?.clauses.count == before - 1)
        #expect(h.w.draft?.clauses.contains { Set($0.sources).isSuperset(of: s.items) } == true)
        #expect(h.w.draft?.suggestions.first { $0.id == s.id }?.status == .accepted)
    }

    @Test func rejectingKeepsTheClausesApartAndCannotBeAnsweredTwice() throws {
        var (h, s) = try workshopWithASuggestion()
        let before = h.w.draft?.clauses.count ?? 0
        try h.run(.answerSuggestion(s.id, accept: false), .facilitator)
        #expect(h.w.draft?.clauses.count == before)
        #expect(h.w.draft?.suggestions.first { $0.id == s.id }?.status == .rejected)
        expectCode(.invalidValue) { try h.run(.answerSuggestion(s.id, accept: true), .facilitator) }
    }

    @Test func onlyTheFacilitatorAnswers() throws {
        var (h, s) = try workshopWithASuggestion()
        expectCode(.forbidden) { try h.run(.answerSuggestion(s.id, accept: true), .participant("a")) }
        expectCode(.notFound) { try h.run(.answerSuggestion("s_none", accept: true), .facilitator) }
    }

    @Test func suggestionsSurviveTheJournal() throws {
        let (h, s) = try workshopWithASuggestion()
        let draft = try #require(h.w.draft)
        let event = Event.draftCreated(draft)
        let decoded = try Event(json: event.json)
        guard case let .draftCreated(back) = decoded else { Issue.record("not a draft event"); return }
        #expect(back.suggestions.first?.id == s.id)
        let answered = try Event(json: Event.suggestionAnswered(s.id, accepted: true).json)
        #expect(answered == .suggestionAnswered(s.id, accepted: true))
    }
}
