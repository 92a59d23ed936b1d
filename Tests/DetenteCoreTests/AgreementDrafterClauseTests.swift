@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

private func req(_ id: String, _ d: Department, _ t: Department, _ text: String) -> AnalysisItem {
    AnalysisItem(id: id, department: d, kind: .requirement, target: t, text: text)
}

/// The draft reads like an agreement: third-person commitments naming who does what for whom.
@Suite struct AgreementDrafterClauseTests {
    func draft(_ items: [AnalysisItem]) -> AgreementDraft {
        AgreementDrafter().draft(items: items, reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
    }

    @Test func aSupportVerbAskBecomesDoerProvidesAskerWith() {
        let d = draft([req("a", "dev", "ops", "Give us throwaway preview environments defined in Terraform.")])
        let clause = d.clauses.first { $0.sources == ["a"] }
        #expect(clause?.text == "Ops provides Dev with throwaway preview environments defined in Terraform.")
    }

    @Test func timesAndVersionsKeepTheirSeparators() {
        let d = draft([req("a", "dev", "ops", "Deploy v2.4 of the API gateway to staging every Friday by 16:30.")])
        let text = d.clauses.first { $0.sources == ["a"] }?.text ?? ""
        #expect(text.contains("16:30") && text.contains("v2.4"), "\(text)")
        #expect(!text.contains("16 30"))
    }

    @Test func anImperativeBecomesAThirdPersonVerbWithPronounsReplaced() {
        let d = draft([req("a", "ops", "dev", "Document your retry limits in the service catalogue.")])
        let text = d.clauses.first { $0.sources == ["a"] }?.text ?? ""
        #expect(text.hasPrefix("Dev documents Dev’s retry limits"))
        #expect(!text.contains(" we ") && !text.contains(" us ") && !text.contains(" your "))
    }

    @Test func aGroupStatesEachConditionOnceAndRepresentsEverySourceAsk() {
        let items = [
            req("a", "dev", "ops", "Give us read-only access to the production logs if the on-call engineer agrees."),
            req("b", "dev", "ops", "We need read-only access to production logs, if the on-call engineer agrees."),
            req("c", "dev", "ops", "Read-only access to the production logs for whoever carries the pager.")
        ]
        let d = draft(items)
        let group = d.clauses.first { $0.sources.count > 1 }
        let text = group?.text ?? ""
        #expect(text.components(separatedBy: "if the on-call engineer agrees").count == 2, "condition not exactly once: \(text)")
        #expect(group?.sources.count == 3)
        // Every member appears in the text: the lead in full, the others as what it also covers.
        #expect(text.contains("This also covers") && text.components(separatedBy: "Ops provides Dev with").count == 4, "\(text)")
    }

    @Test func blamingAsksAreToReframeAndNotVotable() {
        let d = draft([req("a", "dev", "ops", "As usual nobody in Ops bothered to read our ticket; answer it within a day.")])
        let clause = d.clauses.first { $0.sources == ["a"] }
        #expect(clause?.section == .reframe)
        #expect(clause?.votable == false)
        #expect(!d.clauses.contains { $0.section == .disagreement && $0.sources == ["a"] })
    }

    @Test func confidenceIsAlwaysBetweenZeroAndOne() {
        let items = [
            req("a", "dev", "ops", "Shorten the spring change freeze to one week."),
            req("b", "ops", "dev", "If the spring freeze gets shorter, every change during it ships with a tested rollback."),
            req("c", "dev", "ops", "Shorten the spring change freeze to a single week, please.")
        ]
        let d = draft(items)
        for c in d.clauses { #expect(c.confidence >= 0 && c.confidence <= 1, "\(c.id) \(c.confidence)") }
        for s in d.suggestions { #expect(s.confidence >= 0 && s.confidence <= 1) }
    }

    @Test func unsurePairsAreSuggestionsWithAQuestionNotMerges() {
        var drafter = AgreementDrafter()
        drafter.groupThreshold = 0.99
        drafter.suggestionFloor = 0.1
        drafter.semanticThreshold = 0  // the lexical path: its reason names the shared object
        let items = [
            req("a", "dev", "ops", "Send us the patch schedule for the database servers every Monday."),
            req("b", "dev", "ops", "Share the database patch schedule with us a week ahead.")
        ]
        let d = drafter.draft(items: items, reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
        #expect(!d.clauses.contains { $0.sources.count > 1 && $0.section != .measure })
        let s = d.suggestions.first
        #expect(s?.items == ["a", "b"])
        #expect(s?.question == "Are these the same ask?")
        #expect(s?.reason.contains("schedule") == true)
    }
}

@Suite struct AgreementDrafterClauseMeaningTests {
    func text(_ d: Department, _ t: Department, _ s: String) -> String {
        let draft = AgreementDrafter().draft(items: [req("a", d, t, s)], reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
        return draft.clauses.first { $0.sources == ["a"] }?.text ?? ""
    }

    @Test func aNegativeAskStaysNegative() {
        #expect(text("ops", "dev", "Don't push schema changes on a Friday afternoon.").hasPrefix("Dev does not push schema changes"))
        #expect(text("dev", "ops", "Stop paging us for disk warnings below 80%.").hasPrefix("Ops stops paging Dev"))
    }

    @Test func anAskToActOneselfBecomesPermission() {
        #expect(text("dev", "ops", "We need to restart our own queue consumers without a ticket.").hasPrefix("Ops lets Dev restart Dev’s own queue consumers"))
        #expect(text("dev", "ops", "Let us rotate the signing keys ourselves.") == "Ops lets Dev rotate the signing keys themselves.")
    }

    @Test func aFrequencyIsNotACondition() {
        let t = text("ops", "dev", "Review the alert thresholds once a quarter.")
        #expect(t == "Dev reviews the alert thresholds once a quarter for Ops.")
    }
}
