import DetenteModel
import DetenteDrafter
import DetenteWorkshop
import Foundation

/// The transcript as JSON (schema `detente.transcript`, see docs/EXPORT.md).
extension Transcript {
    public static let schemaVersion = 1

    func json(attendance: [String]?) -> JSON {
        let workshop: JSON = [
            "id": .string(w.id), "title": .string(w.setup.title), "template": .string(w.setup.template), "date": .string(date),
            "phase": .string(w.phase.rawValue), "anonymity_threshold": .int(w.setup.anonymityThreshold)
        ]
        var f: [(String, JSON)] = [
            ("schema", "detente.transcript"), ("version", .int(Self.schemaVersion)), ("workshop", workshop),
            ("departments", .array(w.departments.map { ["id": .string($0), "name": .string(name($0)), "people": .int(w.members(of: $0).count)] })),
            ("prompts", JSON(prompts)),
            ("items", .array(rows().map(itemJSON))),
            ("agreement", .array((w.draft?.clauses ?? []).map(clauseJSON))),
            ("notes", JSON(w.notes))
        ]
        if let attendance { f.append(("attendance", JSON(attendance))) }
        return .object(f)
    }

    func itemJSON(_ r: Row) -> JSON {
        [
            "id": .string(r.id), "department": .string(r.department), "kind": .string(r.kind.rawValue), "target": .string(r.target),
            "text": .string(r.text), "votes": .int(r.votes), "theme": JSON(r.theme?.rawValue), "group": r.group.map { .int($0) } ?? .null,
            "reactions": .object(Verdict.allCases.compactMap { v in r.reactions[v].map { (v.rawValue, .int($0)) } }),
            "comments": .array(r.comments.map { ["verdict": .string($0.0.rawValue), "text": .string($0.1)] })
        ]
    }

    /// The clause's journal form plus whether it is endorsed, its owner and due date, and the support per department.
    func clauseJSON(_ c: AgreementDraft.Clause) -> JSON {
        guard case var .object(pairs) = c.json else { return c.json }
        let a = w.assignment(of: c.id)
        let endorsements: [JSON] = Visibility.endorsementCounts(c.id, w).map {
            ["department": .string($0.0), "support": .int($0.support), "oppose": .int($0.oppose), "people": .int($0.members)]
        }
        pairs += [("endorsed", .bool(c.votable && w.isEndorsed(c.id))), ("owner", JSON(a?.owner)), ("due", JSON(a?.due)), ("endorsements", .array(endorsements))]
        return .object(pairs)
    }
}
