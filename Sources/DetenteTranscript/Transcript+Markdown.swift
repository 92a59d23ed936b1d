import DetenteModel
import DetenteDrafter
import DetenteWorkshop
import Foundation

/// The transcript as Markdown (also the section titles every format uses).
extension Transcript {
    func md(_ s: String) -> String {
        // Escape Markdown and HTML so user text can neither format nor inject.
        var out = ""
        for c in s {
            switch c {
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "!", "|", "<", ">", "&": out.append("\\"); out.append(c)
            case "\n": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    func markdown(attendance: [String]?) -> String {
        let rows = rows()
        var o = "# \(md(w.setup.title))\n\n"
        o += "Date: \(date) · Template: \(md(w.setup.template)) · Phase reached: \(w.phase.rawValue)\n\n"
        o += "| Department | People |\n|---|---|\n"
        for d in w.departments { o += "| \(md(name(d))) | \(w.members(of: d).count) |\n" }
        o += "\n## Prompts\n\n"
        for p in prompts { o += "- \(md(p))\n" }
        for d in w.departments {
            o += "\n## \(md(name(d))): outmodel and requirements\n"
            for kind in [ItemKind.outmodel, .requirement] {
                let list = rows.filter { $0.department == d && $0.kind == kind }
                guard !list.isEmpty else { continue }
                o += "\n### \(kind == .outmodel ? "How \(md(name(d))) sees the others" : "What \(md(name(d))) requires")\n\n"
                for r in list {
                    o += "- \(md(r.text)) — about \(md(name(r.target))); votes: \(r.votes)"
                    if let t = r.theme { o += "; theme: \(t.rawValue)" }
                    if !r.reactions.isEmpty { o += "; reactions: " + Verdict.allCases.compactMap { v in r.reactions[v].map { "\(v.rawValue) \($0)" } }.joined(separator: ", ") }
                    o += "\n"
                    for (v, c) in r.comments { o += "  - \(v.rawValue): \(md(c))\n" }
                }
            }
            let offers = rows.filter { $0.department == d && $0.kind == .offer }
            if !offers.isEmpty {
                o += "\n### What \(md(name(d))) offers\n\n"
                for r in offers { o += "- \(md(r.text)) — to \(md(name(r.target)))\n" }
            }
        }
        if let draft = w.draft {
            let gaps = draft.clauses.filter { $0.section == .perceptionGap }
            if !gaps.isEmpty {
                o += "\n## Perception gaps\n\n"
                for g in gaps { o += "- \(md(g.text))\n" }
            }
            o += "\n## Agreement\n"
            for section in AgreementDraft.Section.allCases where section != .perceptionGap {
                let clauses = draft.clauses.filter { $0.section == section }
                guard !clauses.isEmpty else { continue }
                o += "\n### \(sectionTitle(section))\n\n"
                for c in clauses {
                    o += "- \(md(c.text))"
                    if let who = ownerLine(c.id) { o += " — \(md(who))" }
                    if c.votable {
                        o += " — " + (w.isEndorsed(c.id) ? "**endorsed**" : "not endorsed") + " (" +
                            Visibility.endorsementCounts(c.id, w).map { "\(md(name($0.0))) \($0.support)/\($0.members)" }.joined(separator: ", ") + ")"
                    }
                    o += "\n"
                }
            }
        }
        if !w.notes.isEmpty {
            o += "\n## Facilitator's notes\n\n"
            for n in w.notes { o += "- \(md(n))\n" }
        }
        if let attendance {
            o += "\n## Attendance\n\n"
            for n in attendance { o += "- \(md(n))\n" }
        }
        return o
    }

    func sectionTitle(_ s: AgreementDraft.Section) -> String {
        switch s {
        case .joint: "Joint commitments"
        case .trade: "Trades"
        case .commitment: "Commitments by department"
        case .disagreement: "Open disagreements"
        case .reframe: "To reframe before agreeing"
        case .perceptionGap: "Perception gaps"
        case .measure: "How we will measure"
        case .review: "Review"
        }
    }
}
