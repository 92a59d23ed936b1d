import DetenteModel
import DetenteDrafter
import DetenteWorkshop
import Foundation

/// The session transcript, as the room saw it: anonymised items, votes, reactions, perception
/// gaps, the agreement and its endorsements. It never carries a display name, token or
/// participant id; an attendance list (names only, unlinked) is added only when asked for.
public struct Transcript: Sendable {
    public struct Rendered: Sendable {
        public let contentType: String
        public let fileExtension: String
        public let body: String
    }

    let w: Workshop

    public init(workshop: Workshop) { w = workshop }

    public func render(_ format: String, attendance: [String]? = nil) -> Rendered? {
        switch format {
        case "md", "markdown": return Rendered(contentType: "text/markdown; charset=utf-8", fileExtension: "md", body: markdown(attendance: attendance))
        case "html": return Rendered(contentType: "text/html; charset=utf-8", fileExtension: "html", body: html(attendance: attendance))
        case "json": return Rendered(contentType: "application/json", fileExtension: "json", body: json(attendance: attendance).encoded())
        case "csv": return Rendered(contentType: "text/csv; charset=utf-8", fileExtension: "csv", body: csv())
        case "agreement-csv": return Rendered(contentType: "text/csv; charset=utf-8", fileExtension: "csv", body: agreementCSV())
        case "ics": return Rendered(contentType: "text/calendar; charset=utf-8", fileExtension: "ics", body: ics())
        default: return nil
        }
    }

    // MARK: - the content, once

    struct Row {
        let id: String
        let department: Department
        let kind: ItemKind
        let target: Department
        let text: String
        let votes: Int
        let theme: Theme?
        let group: Int?
        let reactions: [Verdict: Int]
        let comments: [(Verdict, String)]
    }

    /// Only what was revealed (and offers written after it), anonymised, in the reveal's shuffled order.
    func rows() -> [Row] {
        var inputs: [AnalysisItem] = []
        var base: [(id: String, department: Department, kind: ItemKind, target: Department, text: String, votes: Int)] = []
        for r in w.revealed ?? [] where w.items[r.id]?.hidden != true {
            base.append((r.id, r.department, r.kind, r.target, r.text, r.votes))
        }
        for item in w.items.values.sorted(by: { $0.id < $1.id }) where item.kind == .offer && item.isLive {
            base.append((item.id, item.department, .offer, item.target, item.anonymised, 0))
        }
        // Themes and groups come from the journaled draft, the one the room saw and endorsed; the
        // drafter runs again only for items no clause holds (and then on those items alone).
        var themeOf: [ItemID: Theme] = [:]
        var groupOf: [ItemID: Int] = [:]
        for (i, clause) in (w.draft?.clauses ?? []).enumerated() {
            for source in clause.sources {
                if let theme = clause.theme { themeOf[source] = themeOf[source] ?? theme }
                if clause.sources.count > 1 { groupOf[source] = groupOf[source] ?? i + 1 }
            }
        }
        for b in base where themeOf[b.id] == nil {
            inputs.append(AnalysisItem(id: b.id, department: b.department, kind: b.kind, target: b.target, text: b.text))
        }
        if !inputs.isEmpty { themeOf.merge(AgreementDrafter().analyse(inputs).themes) { journaled, _ in journaled } }
        return base.map { b in
            let tally = Visibility.reactionTally(b.id, w)
            return Row(id: b.id, department: b.department, kind: b.kind, target: b.target, text: b.text, votes: b.votes,
                       theme: themeOf[b.id], group: groupOf[b.id], reactions: tally.counts, comments: tally.comments)
        }
    }

    var date: String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: Double(w.setup.createdAt) / 1000))
    }

    func name(_ d: Department) -> String { Workshop.displayName(of: d) }

    /// Prompts the bot put to everyone, per phase, in order (the chat's public lines).
    var prompts: [String] {
        w.botLog.filter { if case .everyone = $0.audience { return true }; if case .department = $0.audience { return true }; return false }
            .map(\.text).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    // MARK: - Markdown

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

    // MARK: - HTML

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

    // MARK: - JSON

    public static let schemaVersion = 1

    func json(attendance: [String]?) -> JSON {
        let rows = rows()
        var f: [(String, JSON)] = [
            ("schema", "detente.transcript"), ("version", .int(Self.schemaVersion)),
            ("workshop", ["id": .string(w.id), "title": .string(w.setup.title), "template": .string(w.setup.template), "date": .string(date),
                          "phase": .string(w.phase.rawValue), "anonymity_threshold": .int(w.setup.anonymityThreshold)]),
            ("departments", .array(w.departments.map { ["id": .string($0), "name": .string(name($0)), "people": .int(w.members(of: $0).count)] })),
            ("prompts", JSON(prompts)),
            ("items", .array(rows.map { r in
                ["id": .string(r.id), "department": .string(r.department), "kind": .string(r.kind.rawValue), "target": .string(r.target),
                 "text": .string(r.text), "votes": .int(r.votes), "theme": JSON(r.theme?.rawValue), "group": r.group.map { .int($0) } ?? .null,
                 "reactions": .object(Verdict.allCases.compactMap { v in r.reactions[v].map { (v.rawValue, .int($0)) } }),
                 "comments": .array(r.comments.map { ["verdict": .string($0.0.rawValue), "text": .string($0.1)] })]
            })),
            ("agreement", .array((w.draft?.clauses ?? []).map { c in
                var clause = c.json
                if case var .object(pairs) = clause {
                    pairs.append(("endorsed", .bool(c.votable && w.isEndorsed(c.id))))
                    let a = w.assignment(of: c.id)
                    pairs.append(("owner", JSON(a?.owner)))
                    pairs.append(("due", JSON(a?.due)))
                    pairs.append(("endorsements", .array(Visibility.endorsementCounts(c.id, w).map {
                        ["department": .string($0.0), "support": .int($0.support), "oppose": .int($0.oppose), "people": .int($0.members)]
                    })))
                    clause = .object(pairs)
                }
                return clause
            })),
            ("notes", JSON(w.notes)),
        ]
        if let attendance { f.append(("attendance", JSON(attendance))) }
        return .object(f)
    }

    // MARK: - CSV

    static func csvField(_ s: String) -> String {
        // Quote always; neutralise spreadsheet formulas (=, +, -, @ at the start).
        var v = s.replacingOccurrences(of: "\"", with: "\"\"")
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        return "\"" + v + "\""
    }

    func csv() -> String {
        var o = "id,department,kind,phase,target,theme,group,votes,accurate,partly,wrong,accept,conditional,cannot,text\n"
        for r in rows() {
            let phase = r.kind == .outmodel ? "outmodel" : r.kind == .requirement ? "requirements" : "reactions"
            let counts = Verdict.allCases.map { String(r.reactions[$0] ?? 0) }
            o += ([r.id, r.department, r.kind.rawValue, phase, r.target, r.theme?.rawValue ?? "", r.group.map(String.init) ?? "", String(r.votes)] + counts + [r.text])
                .map(Self.csvField).joined(separator: ",") + "\n"
        }
        return o
    }
}

// MARK: - owners and due dates

extension Transcript {
    /// "Owner: Ops · due 2026-12-15", or nil when the clause has neither.
    func ownerLine(_ c: ClauseID) -> String? {
        guard let a = w.assignment(of: c) else { return nil }
        return [a.owner.map { "Owner: \(name($0))" }, a.due.map { "due \($0)" }].compactMap { $0 }.joined(separator: " · ")
    }

    /// One row per agreement clause: who does what by when, and how each department voted.
    func agreementCSV() -> String {
        var o = (["id", "section", "owner", "due", "endorsed"] + w.departments.map { "support_\($0)" } + ["text"]).joined(separator: ",") + "\n"
        for c in w.draft?.clauses ?? [] {
            let a = w.assignment(of: c.id)
            let support = Visibility.endorsementCounts(c.id, w).map { c.votable ? String($0.support) : "" }
            o += ([c.id, c.section.rawValue, a?.owner ?? "", a?.due ?? "", c.votable ? String(w.isEndorsed(c.id)) : ""] + support + [c.text])
                .map(Self.csvField).joined(separator: ",") + "\n"
        }
        return o
    }

    /// An iCalendar file (RFC 5545) with one all-day event per clause that has a due date.
    func ics() -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Detente//Agreement//EN", "CALSCALE:GREGORIAN"]
        for c in w.draft?.clauses ?? [] {
            guard let a = w.assignment(of: c.id), let due = a.due else { continue }
            let day = due.replacingOccurrences(of: "-", with: "")
            let owner = a.owner.map { "\(name($0)): " } ?? ""
            lines += ["BEGIN:VEVENT", "UID:\(c.id)@\(w.id).detente", "DTSTAMP:\(day)T000000Z", "DTSTART;VALUE=DATE:\(day)",
                      "SUMMARY:" + Self.icsText(owner + c.text), "DESCRIPTION:" + Self.icsText("\(w.setup.title) — agreement clause"), "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.foldICS).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5545 §3.3.11 TEXT escaping.
    static func icsText(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "")
    }

    /// RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF + space, never inside a character.
    static func foldICS(_ line: String) -> String {
        var out = "", count = 0
        for ch in line {
            let n = String(ch).utf8.count
            if count + n > 75 { out += "\r\n "; count = 1 }
            out.append(ch); count += n
        }
        return out
    }
}
