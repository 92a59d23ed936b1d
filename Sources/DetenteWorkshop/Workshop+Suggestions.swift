import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// The facilitator answers the drafter's suggestions: accepting "Are these the same ask?" merges
/// the two clauses that hold the asks; rejecting keeps them apart. Both are journaled.
extension Workshop {
    func decideSuggestion(_ id: String, accept: Bool, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard phase == .agreement, let draft else { throw DetenteError(.wrongPhase, "suggestions belong to the agreement phase") }
        guard let suggestion = draft.suggestions.first(where: { $0.id == id }) else { throw DetenteError(.notFound, "no suggestion \(id)") }
        guard suggestion.status == .open else { throw DetenteError(.invalidValue, "suggestion \(id) was already answered") }
        var events: [Event] = [.suggestionAnswered(id, accepted: accept)]
        if accept, suggestion.kind == .sameAsk {
            let holders = suggestion.items.compactMap { item in draft.clauses.first { $0.sources.contains(item) }?.id }
            if holders.count == 2, holders[0] != holders[1] {
                let (kept, absorbed) = holders[0] < holders[1] ? (holders[0], holders[1]) : (holders[1], holders[0])
                events.append(.clausesMerged(kept: kept, absorbed: absorbed))
            }
        }
        return events
    }
}
