import DetenteModel
import DetenteWorkshop

/// The transcript as one self-contained HTML page; every text is escaped.
extension Transcript {
    func html(attendance: [String]?) -> String {
        var writer = HTMLTranscriptWriter()
        return write(into: &writer, attendance: attendance)
    }

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
}

/// HTML markup for the transcript's sections: a styled page (print-friendly), `<h2>`/`<h3>`, `<ul>`, tags.
struct HTMLTranscriptWriter: TranscriptWriter {
    private var o = ""

    func escape(_ s: String) -> String { Transcript.escapeHTML(s) }

    mutating func header(_ h: Transcript.Header) {
        let e = escape
        o += """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(h.title)) — Detente transcript</title>
            <style>
            body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
            h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
            .meta{color:#555}.tag{display:inline-block;font-size:.8rem;background:#eef;border-radius:.3rem;padding:0 .4rem;margin-left:.3rem}
            .endorsed{color:#0a6b2d;font-weight:600}.open{color:#8a4b00}li{margin:.3rem 0}
            @media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}li{break-inside:avoid}a{color:inherit}}
            </style></head><body>
            <h1>\(e(h.title))</h1>
            <p class="meta">Date: \(e(h.date)) · Template: \(e(h.template)) · Phase reached: \(e(h.phase))</p>
            <table><thead><tr><th>Department</th><th>People</th></tr></thead><tbody>
            """
        for d in h.departments { o += "<tr><td>\(e(d.name))</td><td>\(d.people)</td></tr>" }
        o += "</tbody></table>\n"
    }

    mutating func heading(_ markup: String, level: Int) { o += "<h\(level)>\(markup)</h\(level)>" }
    mutating func beginList() { o += "<ul>" }
    mutating func endList() { o += "</ul>" }
    mutating func entry(_ text: String) { o += "<li>\(escape(text))</li>" }

    mutating func row(_ r: Transcript.Row, target: String) {
        let e = escape
        o += "<li>\(e(r.text)) <span class=\"tag\">about \(e(target))</span><span class=\"tag\">\(r.votes) votes</span>"
        if let t = r.theme { o += "<span class=\"tag\">\(t.rawValue)</span>" }
        if !r.reactions.isEmpty { o += "<span class=\"tag\">" + e(r.reactionSummary) + "</span>" }
        if !r.comments.isEmpty { o += "<ul>" + r.comments.map { "<li>\(e($0.0.rawValue)): \(e($0.1))</li>" }.joined() + "</ul>" }
        o += "</li>"
    }

    mutating func clause(_ c: Transcript.ClauseLine) {
        o += "<li>\(escape(c.text))"
        if let who = c.owner { o += " <span class=\"tag owner\">\(escape(who))</span>" }
        if let e = c.endorsement {
            let counts = e.counts.map { "\($0.department) \($0.support)/\($0.members)" }.joined(separator: ", ")
            o += e.endorsed ? " <span class=\"endorsed\">endorsed</span>" : " <span class=\"open\">not endorsed</span>"
            o += " <span class=\"tag\">\(escape(counts))</span>"
        }
        o += "</li>"
    }

    mutating func finish() -> String { o + "</body></html>\n" }
}
