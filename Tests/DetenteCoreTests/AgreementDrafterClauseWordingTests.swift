@testable import DetenteDrafter
@testable import DetenteModel
import Testing

/// Precision first in the wording too: a clause is rewritten as "Ops does X for Dev" only when the
/// rewrite is sound and keeps what the ask said; otherwise it quotes the ask under a commitment
/// that names who does it for whom. Sentences written for these tests.
@Suite struct AgreementDrafterClauseWordingTests {
    func text(_ d: Department, _ t: Department, _ s: String) -> String {
        let item = AnalysisItem(id: "a", department: d, kind: .requirement, target: t, text: s)
        let draft = AgreementDrafter().draft(items: [item], reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
        return draft.clauses.first { $0.sources == ["a"] }?.text ?? ""
    }

    @Test func anAskWithASentenceOfContextIsQuotedWhole() {
        let ask = "Our release train waits nine days for each sign-off, so the quarter slips. Decide within two days."
        #expect(text("dev", "ops", ask) == "Ops commits to Dev’s request: “\(ask)”")
    }

    @Test func aProhibitionIsNotSomethingToProvide() {
        let t = text("security", "ops", "No personal laptops on the build network.")
        #expect(!t.contains("with no"), "\(t)")
        #expect(t == "Ops commits to Security’s request: “No personal laptops on the build network.”")
    }

    @Test func aDispositionIsNotAThing() {
        let t = text("dev", "ops", "A bit more transparent about outages.")
        #expect(!t.contains("provides Dev with"), "\(t)")
        #expect(t.hasPrefix("Ops commits to Dev’s request: “"))
    }

    @Test func aStatementOfHowThingsAreIsNotReadAsAnImperative() {
        let t = text("dev", "ops", "We deploy straight after the Monday stand-up.")
        #expect(!t.hasPrefix("Ops deploys"), "\(t)")
        #expect(t.contains("“We deploy straight after the Monday stand-up.”"))
    }

    @Test func anAskCarriedByItsConditionIsQuoted() {
        let ask = "It would really help if the database team could publish the maintenance calendar a month ahead of every outage."
        #expect(text("dev", "ops", ask) == "Ops commits to Dev’s request: “\(ask)”")
    }

    @Test func aQuoteEndsTheSentenceOnce() {
        let t = text("ops", "dev", "Honestly, we spend every Monday on your leftovers. Finish what you start.")
        #expect(t.hasSuffix("”") && !t.hasSuffix("”."), "\(t)")
    }

    @Test func aSoundShortImperativeIsStillRewritten() {
        #expect(text("ops", "dev", "Tag every container image with its commit hash.") == "Dev tags every container image with its commit hash for Ops.")
    }

    @Test func letNamesWhoIsLetWhenTheAskNamesThem() {
        let t = text("dev", "ops", "Let one tester shadow the support desk for a day each month.")
        #expect(t.hasPrefix("Ops lets one tester shadow the support desk"), "\(t)")
    }

    @Test func aNegativeMemberOfAGroupStaysNegative() {
        let items = [
            AnalysisItem(id: "a", department: "ops", kind: .requirement, target: "dev", text: "Never copy customer records into the test database."),
            AnalysisItem(id: "b", department: "ops", kind: .requirement, target: "dev", text: "Never copy customer records into a test database, even masked.")
        ]
        var drafter = AgreementDrafter()
        drafter.groupThreshold = 0.3
        let d = drafter.draft(items: items, reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
        let group = d.clauses.first { $0.sources.count == 2 }
        #expect(group != nil)
        let t = group?.text ?? ""
        #expect(!t.contains("provides Ops with customer records") && !t.contains("Dev copies"), "\(t)")
    }

    @Test func coverageCountsContentWordsByLemma() {
        #expect(ClauseWording.coverage(of: "Publish the calendars, please.", in: "Ops publishes the calendar for Dev.") == 1)
        #expect(ClauseWording.coverage(of: "Publish the calendar and the runbooks.", in: "Ops publishes the calendar.") == 2.0 / 3)
    }
}
