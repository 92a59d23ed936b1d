import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// The facilitator moderating and shaping the draft: hide, lock, hand over, present, focus, redraft, clause edits, owners, notes.
extension Workshop {
    func decideHide(_ itemID: ItemID, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard !phase.isSealed else {
            // The facilitator cannot see sealed items, so cannot judge them; departments moderate themselves until the reveal.
            throw DetenteError(.wrongPhase, "items can be hidden once they are revealed")
        }
        guard let item = items[itemID], !item.hidden else { throw DetenteError(.notFound, "no visible item \(itemID)") }
        return [.itemHidden(itemID)]
    }

    func decideLockJoining(_ on: Bool, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        return on == joiningLocked ? [] : [.joiningLocked(on)]
    }

    func decideHandOver(_ to: ParticipantID?, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        if let to { guard participants[to] != nil else { throw DetenteError(.notFound, "no participant \(to)") } }
        var events: [Event] = [.facilitationHanded(to)]
        if let to { events.append(.botSaid(.participant(to), text: "The facilitator has handed you the facilitation controls.")) }
        return events
    }

    func decidePresent(_ department: Department?, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        if let department { guard departments.contains(department) else { throw DetenteError(.invalidValue, "unknown department") } }
        guard revealed != nil else { throw DetenteError(.wrongPhase, "present mode shows deliverables after the reveal") }
        return [.presenting(department)]
    }

    func decideRedraft(by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard phase == .agreement else { throw DetenteError(.wrongPhase, "the draft belongs to the agreement phase") }
        return [.draftCreated(makeDraft(context: &ctx))]
    }

    func decideEditClause(_ clauseID: ClauseID, rawText: String, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard phase == .agreement, draft?.clause(clauseID) != nil else { throw DetenteError(.notFound, "no clause \(clauseID)") }
        // Clause wording reaches everyone and every export: scrubbed like any other free text.
        var table = pseudonyms
        return [.clauseEdited(clauseID, text: ctx.anonymiser.anonymise(try Self.validText(rawText), pseudonyms: &table).text)]
    }

    func decideMergeClauses(_ kept: ClauseID, absorbed: ClauseID, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard phase == .agreement, let draft, draft.clause(kept) != nil, draft.clause(absorbed) != nil, kept != absorbed else {
            throw DetenteError(.notFound, "both clauses must exist and differ")
        }
        return [.clausesMerged(kept: kept, absorbed: absorbed)]
    }

    func decideMoveItem(_ itemID: ItemID, to: ClauseID?, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        guard phase == .agreement, let draft else { throw DetenteError(.wrongPhase, "items are moved between clauses in the agreement phase") }
        guard let from = draft.clauses.first(where: { $0.sources.contains(itemID) }) else { throw DetenteError(.notFound, "item \(itemID) is in no clause") }
        let target = to ?? ctx.newID("c_")
        if let to { guard draft.clause(to) != nil, to != from.id else { throw DetenteError(.notFound, "no other clause \(to)") } }
        return [.itemMoved(itemID, from: from.id, to: target)]
    }

    func decideNote(_ rawText: String, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        // Notes go into exports that others read: scrubbed, and the original is not kept.
        var table = pseudonyms
        return [.noteAdded(ctx.anonymiser.anonymise(try Self.validText(rawText), pseudonyms: &table).text)]
    }

    func decideFocus(_ itemID: ItemID?, by actor: Actor) throws(DetenteError) -> [Event] {
        try requireFacilitator(actor)
        return try decideFocus(itemID)
    }

    func decideAssignClause(_ clauseID: ClauseID, owner: Department?, due: String?, by actor: Actor) throws(DetenteError) -> [Event] {
        // The facilitator sets any owner; a department may propose itself (see Workshop+Clauses.swift).
        let proposer = (try? requireFacilitator(actor)) == nil ? try participant(actor).department : nil
        return try decideAssignment(clauseID, owner: owner, due: due, proposedBy: proposer)
    }
}
