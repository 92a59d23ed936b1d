import DetenteModel
import DetenteDrafter
import DetenteWorkshop
import Foundation

/// The transcript as one self-contained HTML page; every text is escaped.
extension Transcript {
    public static func escapeHTML(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    func html(attendance: [String]?) -> String {
        let e = Self.escapeHTML
        let rows = rows()
        var o = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(w.setup.title)) — Detente transcript</title>
        <style>
        body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
        h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
        table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
        .meta{color:#555}.tag{display:inline-block;font-size:.8rem;background:#eef;border-radius:.3rem;padding:0 .4rem;margin-left:.3rem}
        .endorsed{color:#0a6b2d;font-weight:600}.open{color:#8a4b00}li{margin:.3rem 0}
        @media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}li{break-inside:avoid}a{color:inherit}}
        </style></head><body>
        <h1>\(e(w.setup.title))</h1>
        <p class="meta">Date: \(e(date)) · Template: \(e(w.setup.template)) · Phase reached: \(e(w.phase.rawValue))</p>
        <table><thead><tr><th>Department</th><th>People</th></tr></thead><tbody>
        """
        for d in w.departments { o += "<tr><td>\(e(name(d)))</td><td>\(w.members(of: d).count)</td></tr>" }
        o += "</tbody></table>\n<h2>Prompts</h2><ul>"
        for p in prompts { o += "<li>\(e(p))</li>" }
        o += "</ul>"
        for d in w.departments {
            o += "<h2>\(e(name(d))): outmodel and requirements</h2>"
            for kind in [ItemKind.outmodel, .requirement, .offer] {
                let list = rows.filter { $0.department == d && $0.kind == kind }
                guard !list.isEmpty else { continue }
                let heading = kind == .outmodel ? "How \(name(d)) sees the others" : kind == .requirement ? "What \(name(d)) requires" : "What \(name(d)) offers"
                o += "<h3>\(e(heading))</h3><ul>"
                for r in list {
                    o += "<li>\(e(r.text)) <span class=\"tag\">about \(e(name(r.target)))</span><span class=\"tag\">\(r.votes) votes</span>"
                    if let t = r.theme { o += "<span class=\"tag\">\(t.rawValue)</span>" }
                    if !r.reactions.isEmpty {
                        o += "<span class=\"tag\">" + e(Verdict.allCases.compactMap { v in r.reactions[v].map { "\(v.rawValue) \($0)" } }.joined(separator: ", ")) + "</span>"
                    }
                    if !r.comments.isEmpty { o += "<ul>" + r.comments.map { "<li>\(e($0.0.rawValue)): \(e($0.1))</li>" }.joined() + "</ul>" }
                    o += "</li>"
                }
                o += "</ul>"
            }
        }
        if let draft = w.draft {
            let gaps = draft.clauses.filter { $0.section == .perceptionGap }
            if !gaps.isEmpty { o += "<h2>Perception gaps</h2><ul>" + gaps.map { "<li>\(e($0.text))</li>" }.joined() + "</ul>" }
            o += "<h2>Agreement</h2>"
            for section in AgreementDraft.Section.allCases where section != .perceptionGap {
                let clauses = draft.clauses.filter { $0.section == section }
                guard !clauses.isEmpty else { continue }
                o += "<h3>\(e(sectionTitle(section)))</h3><ul>"
                for c in clauses {
                    o += "<li>\(e(c.text))"
                    if let who = ownerLine(c.id) { o += " <span class=\"tag owner\">\(e(who))</span>" }
                    if c.votable {
                        let counts = Visibility.endorsementCounts(c.id, w).map { "\(name($0.0)) \($0.support)/\($0.members)" }.joined(separator: ", ")
                        o += w.isEndorsed(c.id) ? " <span class=\"endorsed\">endorsed</span>" : " <span class=\"open\">not endorsed</span>"
                        o += " <span class=\"tag\">\(e(counts))</span>"
                    }
                    o += "</li>"
                }
                o += "</ul>"
            }
        }
        if !w.notes.isEmpty { o += "<h2>Facilitator's notes</h2><ul>" + w.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>" }
        if let attendance { o += "<h2>Attendance</h2><ul>" + attendance.map { "<li>\(e($0))</li>" }.joined() + "</ul>" }
        o += "</body></html>\n"
        return o
    }
}
