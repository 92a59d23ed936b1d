@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

private func req(_ id: String, _ d: Department, _ t: Department, _ text: String) -> AnalysisItem {
    AnalysisItem(id: id, department: d, kind: .requirement, target: t, text: text)
}

@Suite struct AgreementDrafterTests {
    let items = [
        req("d1", "dev", "ops", "Give us a self-service way to spin up a test environment without filing a ticket."),
        req("d2", "dev", "ops", "We need to create and tear down our own short-lived staging environments on demand."),
        req("d3", "dev", "ops", "Read-only access to production logs for the developer on duty."),
        req("o1", "ops", "dev", "Before you ask for a new environment, give us its spec as code in Terraform."),
        req("o2", "ops", "dev", "Write a runbook for every service before it goes live."),
        req("d4", "dev", "ops", "Communicate more with us."),
        AnalysisItem(id: "m1", department: "dev", kind: .outmodel, target: "ops", text: "They are measured on uptime, never on lead time.")
    ]

    @Test func theSameAskOnTheSameObjectIsGroupedWithAReason() {
        let a = AgreementDrafter().analyse(
            items + [
                req("d5", "dev", "ops", "We need read-only access to the production logs for whoever is on duty.")
            ])
        let group = a.groups.first { $0.members.contains("d3") }
        #expect(group?.members.contains("d5") == true)
        #expect(group.map { $0.reason.contains("access") && $0.confidence > 0 && $0.confidence <= 1 } == true)
    }

    @Test func aSharedTopicAloneIsNoGroup() {
        // Both name the on-call rota, but one asks for a person on it and the other for pay.
        let a = AgreementDrafter().analyse([
            req("r1", "ops", "dev", "Put one developer on the weekend on-call rota."),
            req("r2", "dev", "ops", "Publish the on-call rota a month ahead in the shared calendar.")
        ])
        #expect(!a.groups.contains { Set($0.members) == ["r1", "r2"] })
    }

    @Test func vagueWishNeverJoinsAConcreteAsk() {
        let a = AgreementDrafter().analyse(items)
        #expect(!a.groups.contains { $0.members.contains("d4") && $0.members.count > 1 })
        #expect(a.actionable["d4"] == false)
        #expect(a.actionable["d1"] == true)
    }

    @Test func reciprocalAsksOnOneTopicAreATradeNotAGroup() {
        let a = AgreementDrafter().analyse(items)
        #expect(a.trades.contains { Set([$0.a, $0.b]) == ["d1", "o1"] || Set([$0.a, $0.b]) == ["d2", "o1"] })
        #expect(!a.groups.contains { $0.members.contains("o1") && ($0.members.contains("d1") || $0.members.contains("d2")) })
    }

    @Test func themesCoverEveryItem() {
        let a = AgreementDrafter().analyse(items)
        #expect(Set(a.themes.keys) == Set(items.map(\.id)))
        #expect(a.themes["m1"] == .measurement)
        #expect(a.themes["o2"] == .sharing)
    }

    @Test func themesFollowWhatAStatementIsAbout() {
        func outmodel(_ id: String, _ text: String) -> AnalysisItem { AnalysisItem(id: id, department: "ops", kind: .outmodel, target: "dev", text: text) }
        let a = AgreementDrafter().analyse([
            outmodel("fear", "What they fear most is the weekend page after a release."),  // a fear: culture
            outmodel("judged", "They are judged on ticket closure times, so they open tickets for everything."),  // a metric they live by
            req("health", "ops", "dev", "Give every service a /health endpoint."),  // observability: measurement
            outmodel("insult", "They are lazy and hide behind the change process.")  // blame: culture
        ])
        #expect(a.themes["fear"] == .culture)
        #expect(a.themes["judged"] == .measurement)
        #expect(a.themes["health"] == .measurement)
        #expect(a.themes["insult"] == .culture)
    }

    @Test func aConditionOnTheOtherSideMakesATradeNotAGroup() {
        let a = AgreementDrafter().analyse([
            req("d", "dev", "ops", "Shorten the holiday change freeze to two weeks."),
            req("o", "ops", "dev", "If the holiday freeze gets shorter, a developer stays on standby after each change.")
        ])
        #expect(a.trades.contains { Set([$0.a, $0.b]) == ["d", "o"] })
        #expect(!a.groups.contains { Set($0.members).isSuperset(of: ["d", "o"]) })
    }

    @Test func aSharedThingAskedByBothSidesIsOneAskNotATrade() {
        var drafter = AgreementDrafter()
        drafter.suggestionFloor = 0.1  // one shared concept: weak evidence, so only a question to the room
        let a = drafter.analyse([
            req("d", "dev", "ops", "A joint Dev and Ops retrospective every month."),
            req("o", "ops", "dev", "A regular shared retro where both teams look back at what slowed delivery.")
        ])
        // Precision first: one shared concept is not enough to merge alone, so the room is asked.
        #expect(a.groups.contains { Set($0.members) == ["d", "o"] } || a.suggestions.contains { Set([$0.a, $0.b]) == ["d", "o"] })
        #expect(a.trades.isEmpty)
    }

    @Test func aBlamingLineIsNotOfferedAsATrade() {
        let a = AgreementDrafter().analyse([
            req("d", "dev", "ops", "Your on-call people are useless; stop hiding behind the pager rota."),
            req("o", "ops", "dev", "Developers should carry the pager for the services they build.")
        ])
        #expect(a.blame["d"] != nil)
        #expect(a.trades.isEmpty)
    }

    @Test func draftHasEverySectionWithSources() {
        let reactions: [ItemID: [Reaction]] = [
            "m1": [Reaction(verdict: .wrong, comment: "We track lead time weekly.")],
            "d3": [Reaction(verdict: .cannot, comment: "Logs hold card data until masking ships.")]
        ]
        let draft = AgreementDrafter().draft(items: items, reactions: reactions, departments: ["dev", "ops"], reviewInDays: 30)
        let sections = Set(draft.clauses.map(\.section))
        #expect(sections.isSuperset(of: [.trade, .disagreement, .perceptionGap, .measure, .review]))
        for c in draft.clauses where c.section != .measure && c.section != .review { #expect(!c.sources.isEmpty) }
        #expect(draft.clauses.first { $0.section == .perceptionGap }?.text.contains("We track lead time weekly") == true)
        #expect(draft.clauses.first { $0.section == .measure }?.text.contains("time-to-delivery") == true)
    }

    @Test func sameInputSameDraftWhateverTheOrder() {
        let a = AgreementDrafter().draft(items: items, reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
        let b = AgreementDrafter().draft(items: items.reversed(), reactions: [:], departments: ["dev", "ops"], reviewInDays: 30)
        #expect(a == b)
    }

    @Test func anUnrelatedItemDoesNotReshuffleExistingGroups() {
        let before = AgreementDrafter().analyse(items).groups.map(\.members)
        let after = AgreementDrafter().analyse(items + [req("z9", "ops", "dev", "Label every Kafka topic with its owning team's name.")]).groups.map(\.members)
        for g in before { #expect(after.contains(g)) }
    }
}

@Suite struct CoachTests {
    @Test func blameAndSweepingClaimsAreFlaggedWithAReframing() {
        for text in ["Ops are just lazy and hide behind ITIL.", "They always say no first.", "You never tell us anything.", "Stop being the department of 'no'."] {
            let advice = Coach().review(text, kind: .requirement)
            #expect(advice.blame != nil, "not flagged: \(text)")
            #expect(advice.blame?.reframing.isEmpty == false)
        }
    }

    @Test func absoluteWordsInANeutralRuleAreNotBlame() {
        for text in ["Never patch production by hand: every change goes through the pipeline.", "Always attach the rollback steps to the change request."] {
            #expect(Coach().review(text, kind: .requirement).blame == nil, "flagged: \(text)")
        }
    }

    @Test func vagueRequirementsGetAFollowUpQuestion() {
        #expect(Coach().review("Be more agile.", kind: .requirement).followUp?.contains("done") == true)
        #expect(Coach().review("Publish the change calendar every Monday by 10:00.", kind: .requirement).followUp == nil)
    }
}
