import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// What participants ask: join, write, edit, vote, approve, react, endorse. Each returns the events it causes or throws why not.
extension Workshop {
    func decideJoin(_ department: Department, tokenHash: String, by actor: Actor) throws(DetenteError) -> [Event] {
        guard case let .participant(pid) = actor else { throw DetenteError(.forbidden, "only a participant can join") }
        guard participants[pid] == nil else { throw DetenteError(.conflict, "already joined") }
        guard !joiningLocked else { throw DetenteError(.joiningLocked, "joining is locked by the facilitator") }
        guard departments.contains(department) else {
            throw DetenteError(.invalidValue, "unknown department '\(department)'; choose one of \(departments.joined(separator: ", "))")
        }
        var events: [Event] = [.joined(participant: pid, department: department, tokenHash: tokenHash)]
        events.append(.botSaid(.participant(pid), text: "Welcome to “\(setup.title)”. You are in the \(Self.displayName(of: department)) room."))
        if let intro = template.phaseIntro[phase], phase != .lobby {
            events.append(.botSaid(.participant(pid), text: text(intro, target: defaultTarget(for: department))))
        }
        if phase == .outmodel, let q = template.outmodelQuestions.first {
            events.append(.botSaid(.participant(pid), text: text(q, target: defaultTarget(for: department))))
        }
        if phase == .requirements {
            events.append(.botSaid(.participant(pid), text: text(template.requirementPrompt, target: defaultTarget(for: department))))
        }
        return events
    }

    func decideSubmit(_ kind: ItemKind, rawText: String, target: Department?, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        let expected: Phase =
            switch kind {
            case .outmodel: .outmodel;
            case .requirement: .requirements;
            case .offer: .reactions
            }
        guard phase == expected else { throw DetenteError(.wrongPhase, "\(kind.rawValue) items are written in the \(expected.rawValue) phase; the workshop is in \(phase.rawValue)") }
        let text = try Self.validText(rawText)
        guard (itemsWritten[p.id] ?? 0) < Self.maxItemsPerParticipant else {
            throw DetenteError(.limitReached, "you have written \(Self.maxItemsPerParticipant) items, the most one person can")
        }
        guard items.count < Self.maxItemsPerWorkshop, textBytes + text.utf8.count <= Self.maxTextBytesPerWorkshop else {
            throw DetenteError(.limitReached, "this workshop holds \(items.count) items (\(textBytes / 1024) KiB), the most it can")
        }
        let target = target ?? defaultTarget(for: p.department)
        guard departments.contains(target), target != p.department else {
            throw DetenteError(.wrongDepartment, "target must be another department of this workshop")
        }
        let itemID = ctx.newID("i_")
        var table = pseudonyms
        let anon = ctx.anonymiser.anonymise(text, pseudonyms: &table)
        let prompt = kind == .outmodel ? (promptIndex[p.id] ?? 0) : nil
        var item = Item(
            id: itemID, department: p.department, kind: kind, target: target, text: text,
            anonymised: anon.text, replacements: anon.replacements, author: p.id, prompt: prompt)
        item.clientID = ctx.clientID
        var events: [Event] = [.itemSubmitted(item, at: ctx.now)]
        events += FacilitatorBot.respond(toSubmitted: item, by: p.id, in: self).map { .botSaid(.participant(p.id), text: $0) }
        return events
    }

    func decideEdit(_ itemID: ItemID, rawText: String, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        let item = try ownItem(itemID, of: p)
        guard phase.isSealed || (item.kind == .offer && phase == .reactions) else {
            throw DetenteError(.wrongPhase, "items can no longer be edited after the reveal")
        }
        let text = try Self.validText(rawText)
        guard textBytes + text.utf8.count - item.anonymised.utf8.count <= Self.maxTextBytesPerWorkshop else {
            throw DetenteError(.limitReached, "this workshop holds \(textBytes / 1024) KiB of text, the most it can")
        }
        var table = pseudonyms
        let anon = ctx.anonymiser.anonymise(text, pseudonyms: &table)
        var events: [Event] = [.itemEdited(itemID, text: text, anonymised: anon.text, replacements: anon.replacements)]
        if approvals[p.department]?.isEmpty == false {
            // Approvals were for the set as it was; a changed item asks for a fresh look.
            events += (approvals[p.department] ?? []).sorted().map { .approved($0, false) }
        }
        return events
    }

    func decideWithdraw(_ itemID: ItemID, by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        let item = try ownItem(itemID, of: p)
        guard phase.isSealed || (item.kind == .offer && phase == .reactions) else {
            throw DetenteError(.wrongPhase, "items can no longer be withdrawn after the reveal")
        }
        return [.itemWithdrawn(itemID)]
    }

    func decideVote(_ itemID: ItemID, on: Bool, by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard phase == .review else { throw DetenteError(.wrongPhase, "dot-voting happens in the review phase") }
        let item = try liveItem(itemID)
        guard item.department == p.department else { throw DetenteError(.wrongDepartment, "you can only vote on your own department's items") }
        if on == item.voters.contains(p.id) { return [] }
        if on, votesUsed(by: p.id) >= Self.votesPerParticipant {
            throw DetenteError(.conflict, "you have used all \(Self.votesPerParticipant) votes; remove one first")
        }
        return [.voted(p.id, itemID, on: on)]
    }

    func decideMergeItems(_ kept: ItemID, absorbed: ItemID, by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard phase == .review else { throw DetenteError(.wrongPhase, "duplicates are merged in the review phase") }
        guard kept != absorbed else { throw DetenteError(.invalidValue, "cannot merge an item into itself") }
        let a = try liveItem(kept), b = try liveItem(absorbed)
        guard a.department == p.department, b.department == p.department else {
            throw DetenteError(.wrongDepartment, "you can only merge your own department's items")
        }
        guard a.kind == b.kind, a.target == b.target else { throw DetenteError(.invalidValue, "only items of the same kind and target can be merged") }
        return [.itemsMerged(kept: kept, absorbed: absorbed)]
    }

    func decideApprove(_ on: Bool, by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard phase == .review else { throw DetenteError(.wrongPhase, "the set is approved in the review phase") }
        if on == (approvals[p.department]?.contains(p.id) ?? false) { return [] }
        var events: [Event] = [.approved(p.id, on)]
        var after = self
        after.apply(.approved(p.id, on))
        if on, after.isApproved(p.department), !isApproved(p.department) {
            events.append(.botSaid(.department(p.department), text: "Your department has approved its set for release. The facilitator will reveal all departments at the same moment."))
            events.append(.botSaid(.facilitators, text: "\(Self.displayName(of: p.department)) has approved its set for release."))
        }
        return events
    }

    func decideNextPrompt(by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard phase == .outmodel else { throw DetenteError(.wrongPhase, "guided questions belong to the outmodel phase") }
        let next = (promptIndex[p.id] ?? 0) + 1
        guard next <= template.outmodelQuestions.count else { return [] }
        let line =
            next < template.outmodelQuestions.count
            ? text(template.outmodelQuestions[next], target: defaultTarget(for: p.department))
            : "That was the last question. Add anything else you want to say, or read what your department wrote."
        return [.promptAdvanced(p.id, to: next), .botSaid(.participant(p.id), text: line)]
    }

    func decideReact(_ itemID: ItemID, verdict: Verdict, comment: String, by actor: Actor, context ctx: inout DecisionContext) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard phase == .reactions else { throw DetenteError(.wrongPhase, "reactions happen in the reactions phase") }
        guard let item = revealed?.first(where: { $0.id == itemID }), items[itemID]?.hidden != true else {
            throw DetenteError(.notFound, "no revealed item \(itemID)")
        }
        guard item.target == p.department else { throw DetenteError(.wrongDepartment, "only the department an item is about reacts to it") }
        guard verdict.appliesTo == item.kind else {
            throw DetenteError(.invalidValue, item.kind == .outmodel ? "react to a statement with accurate, partly or wrong" : "react to a requirement with accept, conditional or cannot")
        }
        let comment = String(comment.prefix(Self.maxTextLength))
        if verdict == .conditional || verdict == .cannot || verdict == .wrong, comment.trimmingWhitespace().isEmpty {
            throw DetenteError(.invalidValue, "say why: a comment is needed with '\(verdict.rawValue)'")
        }
        var table = pseudonyms
        let anon = ctx.anonymiser.anonymise(comment, pseudonyms: &table)
        return [.reacted(p.id, itemID, Reaction(verdict: verdict, comment: anon.text, original: comment, replacements: anon.replacements))]
    }

    func decideEndorse(_ clauseID: ClauseID, support: Bool, by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard phase == .agreement else { throw DetenteError(.wrongPhase, "clauses are endorsed in the agreement phase") }
        guard let clause = draft?.clause(clauseID), clause.votable else { throw DetenteError(.notFound, "no clause \(clauseID) to vote on") }
        if endorsements[clauseID]?[p.id] == support { return [] }
        return [.endorsed(p.id, clauseID, support: support)]
    }

    func decideMarkReady(by actor: Actor) throws(DetenteError) -> [Event] {
        let p = try participant(actor)
        guard let check = readyCheck else { throw DetenteError(.conflict, "no ready check is open") }
        return check.ready.contains(p.id) ? [] : [.readyMarked(p.id)]
    }
}
