import DetenteModel
import DetenteWorkshop

/// The transcript as Markdown.
extension Transcript {
    func markdown(attendance: [String]?) -> String {
        var writer = MarkdownTranscriptWriter()
        return write(into: &writer, attendance: attendance)
    }

    /// Escapes Markdown and HTML so user text can neither format nor inject; a line break becomes a space.
    static func escapeMarkdown(_ s: String) -> String {
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
}

/// Markdown markup for the transcript's sections: `##`/`###` headings, `-` lists, a table of departments.
struct MarkdownTranscriptWriter: TranscriptWriter {
    private var o = ""

    func escape(_ s: String) -> String { Transcript.escapeMarkdown(s) }

    mutating func header(_ h: Transcript.Header) {
        o += "# \(escape(h.title))\n\n"
        o += "Date: \(h.date) · Template: \(escape(h.template)) · Phase reached: \(h.phase)\n\n"
        o += "| Department | People |\n|---|---|\n"
        for d in h.departments { o += "| \(escape(d.name)) | \(d.people) |\n" }
    }

    mutating func heading(_ markup: String, level: Int) { o += "\n\(String(repeating: "#", count: level)) \(markup)\n" }
    mutating func beginList() { o += "\n" }
    mutating func endList() {}
    mutating func entry(_ text: String) { o += "- \(escape(text))\n" }

    mutating func row(_ r: Transcript.Row, target: String) {
        if r.kind == .offer {
            o += "- \(escape(r.text)) — to \(escape(target))\n"
            return
        }
        o += "- \(escape(r.text)) — about \(escape(target)); votes: \(r.votes)"
        if let t = r.theme { o += "; theme: \(t.rawValue)" }
        if !r.reactions.isEmpty { o += "; reactions: " + r.reactionSummary }
        o += "\n"
        for (v, c) in r.comments { o += "  - \(v.rawValue): \(escape(c))\n" }
    }

    mutating func clause(_ c: Transcript.ClauseLine) {
        o += "- \(escape(c.text))"
        if let who = c.owner { o += " — \(escape(who))" }
        if let e = c.endorsement {
            o +=
                " — " + (e.endorsed ? "**endorsed**" : "not endorsed") + " ("
                + e.counts.map { "\(escape($0.department)) \($0.support)/\($0.members)" }.joined(separator: ", ") + ")"
        }
        o += "\n"
    }

    mutating func finish() -> String { o }
}
