@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// An export says what the room saw: the themes and groups of the journaled draft, not those of
/// a fresh drafter run.
@Suite struct TranscriptDraftTests {
    @Test func exportThemesAreTheJournaledDraftsThemes() throws {
        var h = Harness(k: 1)
        try h.join("a", "dev"); try h.join("b", "ops")
        try h.advance(to: .requirements)
        try h.run(.submit(kind: .requirement, text: "Give us read-only access to the production logs within two weeks.", target: nil), .participant("a"))
        try h.run(.submit(kind: .requirement, text: "Write a runbook for every service before it goes live.", target: nil), .participant("b"))
        try h.advance(to: .agreement)
        // The draft as journaled, with its themes changed: the export must follow it.
        var draft = try #require(h.w.draft)
        for i in draft.clauses.indices where !draft.clauses[i].sources.isEmpty { draft.clauses[i].theme = .culture }
        h.w.apply(.draftCreated(draft))
        let export = try #require(Transcript(workshop: h.w).render("json"))
        let json = try JSONParser.parse(export.body)
        let sourced = Set(draft.clauses.flatMap(\.sources))
        let items = json["items"]?.arrayValue ?? []
        #expect(!sourced.isEmpty)
        for item in items where sourced.contains(item["id"]?.stringValue ?? "") {
            #expect(item["theme"]?.stringValue == "culture", "export theme \(item["theme"]?.stringValue ?? "nil") differs from the journaled draft")
        }
    }
}
