import DetenteModel
/// Applying what participants contribute: joining, items, votes, approvals and reactions.
extension Workshop {
    mutating func applyJoined(_ pid: ParticipantID, department d: Department, tokenHash th: String) {
        if participants[pid] == nil { memberIDs[d, default: []].append(pid) }
        participants[pid] = Participant(id: pid, department: d, tokenHash: th)
    }

    mutating func applySubmitted(_ item: Item, at: Int64) {
        items[item.id] = item
        count(item, 1)
        itemsWritten[item.author, default: 0] += 1
        if let prompt = item.prompt { lastAnsweredPrompt[item.author] = prompt }
        textBytes += item.anonymised.utf8.count
        if let cid = item.clientID { submittedByClientID[ClientKey(author: item.author, clientID: cid)] = item.id }
        lastActivity[item.department] = at
        nudged.remove(item.department)
        notePseudonyms(item.replacements)
    }

    mutating func applyEdited(_ id: ItemID, text: String, anonymised anon: String, replacements repl: [Replacement]) {
        textBytes += anon.utf8.count - (items[id]?.anonymised.utf8.count ?? 0)
        items[id]?.text = text; items[id]?.anonymised = anon; items[id]?.replacements = repl
        notePseudonyms(repl)
    }

    mutating func applyHidden(_ id: ItemID) {
        update(id) { $0.hidden = true }
        if focusedItem == id { focusedItem = nil }
    }

    mutating func applyItemsMerged(kept: ItemID, absorbed: ItemID) {
        update(absorbed) { $0.mergedInto = kept }
        // Votes follow the merged item, one per voter.
        if let voters = items[absorbed]?.voters { items[kept]?.voters.formUnion(voters); items[absorbed]?.voters = [] }
    }

    mutating func applyVote(by p: ParticipantID, for i: ItemID, on: Bool) {
        if on { items[i]?.voters.insert(p) } else { items[i]?.voters.remove(p) }
    }

    mutating func applyApproval(by p: ParticipantID, on: Bool) {
        guard let d = participants[p]?.department else { return }
        if on { approvals[d, default: []].insert(p) } else { approvals[d]?.remove(p) }
    }

    mutating func applyReaction(by p: ParticipantID, to i: ItemID, _ r: Reaction) {
        reactions[i, default: [:]][p] = r
        notePseudonyms(r.replacements)
    }

    /// Keeps each person's placeholder, so a later text names them the same way.
    mutating func notePseudonyms(_ replacements: [Replacement]) {
        for r in replacements where r.kind == .person { if let s = r.subject { pseudonyms[s] = r.placeholder } }
    }
}
