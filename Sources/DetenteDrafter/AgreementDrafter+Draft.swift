import DetenteModel

extension AgreementDrafter {
    /// Drafts the agreement: joint commitments, trades, commitments by department, open
    /// disagreements, perception gaps, how we will measure, and a review date.
    public func draft(items: [AnalysisItem], reactions: [ItemID: [Reaction]], departments: [Department], reviewInDays: Int) -> AgreementDraft {
        var composer = AgreementComposer(items: items, reactions: reactions, analysis: analyse(items))
        composer.addTrades()
        composer.addGroups()
        composer.addRequirements()
        composer.addOffers()
        composer.addPerceptionGaps()
        composer.addClosing(departments: departments, reviewInDays: reviewInDays)
        let order = AgreementDraft.Section.allCases
        let clauses = composer.clauses.sorted { (order.firstIndex(of: $0.section)!, $0.id) < (order.firstIndex(of: $1.section)!, $1.id) }
        let suggestions = composer.analysis.suggestions.prefix(maxSuggestions).map {
            DraftSuggestion(kind: $0.kind == .sameAsk ? .sameAsk : .trade, items: [$0.a, $0.b], reason: $0.reason, confidence: $0.confidence)
        }
        return AgreementDraft(clauses: clauses, suggestions: Array(suggestions))
    }
}
