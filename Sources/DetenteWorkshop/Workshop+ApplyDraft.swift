import DetenteModel
import DetenteDrafter
/// Applying the facilitator's edits of the agreement draft. Any change to a clause resets its
/// endorsements: people endorsed the text they saw.
extension Workshop {
    mutating func applyClauseEdited(_ c: ClauseID, text: String) {
        if let i = draft?.clauses.firstIndex(where: { $0.id == c }) { draft?.clauses[i].text = text; endorsements[c] = [:] }
    }

    mutating func applyClausesMerged(kept: ClauseID, absorbed: ClauseID) {
        guard var d = draft, let k = d.clauses.firstIndex(where: { $0.id == kept }), let a = d.clauses.firstIndex(where: { $0.id == absorbed }) else { return }
        d.clauses[k].sources += d.clauses[a].sources.filter { !d.clauses[k].sources.contains($0) }
        d.clauses[k].departments = Array(Set(d.clauses[k].departments + d.clauses[a].departments)).sorted()
        d.clauses[k].reason = "merged by the facilitator"
        d.clauses.remove(at: a)
        draft = d; endorsements[kept] = [:]; endorsements[absorbed] = nil
    }

    /// Moves a source item to another clause, or to a new clause split out right after its old
    /// one; a clause left without sources goes.
    mutating func applyItemMoved(_ i: ItemID, from: ClauseID, to: ClauseID) {
        guard var d = draft, let f = d.clauses.firstIndex(where: { $0.id == from }) else { return }
        d.clauses[f].sources.removeAll { $0 == i }
        let source = revealed?.first { $0.id == i }
        if let t = d.clauses.firstIndex(where: { $0.id == to }) {
            d.clauses[t].sources.append(i)
            if let dept = source?.department, !d.clauses[t].departments.contains(dept) { d.clauses[t].departments.append(dept) }
            endorsements[to] = [:]
        } else {
            d.clauses.insert(
                AgreementDraft.Clause(
                    id: to, section: d.clauses[f].section, text: source?.text ?? "", departments: source.map { [$0.department] } ?? [],
                    sources: [i], theme: d.clauses[f].theme, confidence: 1, reason: "split out by the facilitator"), at: f + 1)
        }
        if d.clauses[f].sources.isEmpty { d.clauses.remove(at: f) }
        endorsements[from] = [:]
        draft = d
    }
}
