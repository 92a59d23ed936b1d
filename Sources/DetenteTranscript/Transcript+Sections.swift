import DetenteModel
import DetenteDrafter
import DetenteWorkshop

/// One document format of the transcript (Markdown, HTML). `Transcript.write(into:)` walks the
/// sections once, in order, and calls these; a format decides only its markup and escaping.
protocol TranscriptWriter {
    /// The format's escaping of text someone typed, and of department names.
    func escape(_ s: String) -> String
    /// Title, date, template, phase reached and each department's head count.
    mutating func header(_ header: Transcript.Header)
    /// A section (`level` 2) or subsection (`level` 3) heading; `markup` is already escaped.
    mutating func heading(_ markup: String, level: Int)
    mutating func beginList()
    mutating func endList()
    /// One list entry of plain text, escaped by the format.
    mutating func entry(_ text: String)
    /// A contribution: its text, target, votes, theme, reactions and comments.
    mutating func row(_ row: Transcript.Row, target: String)
    /// An agreement clause with its owner and, when votable, its endorsement.
    mutating func clause(_ clause: Transcript.ClauseLine)
    /// The finished document.
    mutating func finish() -> String
}

extension TranscriptWriter {
    mutating func list(_ texts: [String]) {
        beginList()
        for text in texts { entry(text) }
        endList()
    }
}

extension Transcript {
    struct Header {
        let title: String
        let date: String
        let template: String
        let phase: String
        let departments: [(name: String, people: Int)]
    }

    struct ClauseLine {
        struct Endorsement {
            let endorsed: Bool
            let counts: [(department: String, support: Int, members: Int)]
        }
        let text: String
        let owner: String?
        let endorsement: Endorsement?
    }

    /// Every section of the document, in order: header, prompts, each department's items, the
    /// agreement (perception gaps first), the facilitator's notes, and attendance when asked for.
    func write<Writer: TranscriptWriter>(into out: inout Writer, attendance: [String]?) -> String {
        let rows = rows()
        out.header(
            Header(
                title: w.setup.title, date: date, template: w.setup.template, phase: w.phase.rawValue,
                departments: w.departments.map { (name($0), w.members(of: $0).count) }))
        out.heading("Prompts", level: 2)
        out.list(prompts)
        for d in w.departments { writeItems(of: d, rows: rows, into: &out) }
        if let draft = w.draft { writeAgreement(draft, into: &out) }
        if !w.notes.isEmpty {
            out.heading("Facilitator's notes", level: 2)
            out.list(w.notes)
        }
        if let attendance {
            out.heading("Attendance", level: 2)
            out.list(attendance)
        }
        return out.finish()
    }

    /// A department's outmodel, requirements and offers, each kind under its own subheading.
    func writeItems<Writer: TranscriptWriter>(of d: Department, rows: [Row], into out: inout Writer) {
        let shown = out.escape(name(d))
        out.heading("\(shown): outmodel and requirements", level: 2)
        for kind in [ItemKind.outmodel, .requirement, .offer] {
            let list = rows.filter { $0.department == d && $0.kind == kind }
            guard !list.isEmpty else { continue }
            let title =
                switch kind {
                case .outmodel: "How \(shown) sees the others"
                case .requirement: "What \(shown) requires"
                case .offer: "What \(shown) offers"
                }
            out.heading(title, level: 3)
            out.beginList()
            for r in list { out.row(r, target: name(r.target)) }
            out.endList()
        }
    }

    /// Perception gaps (when there are any), then the agreement's clauses section by section.
    func writeAgreement<Writer: TranscriptWriter>(_ draft: AgreementDraft, into out: inout Writer) {
        let gaps = draft.clauses.filter { $0.section == .perceptionGap }
        if !gaps.isEmpty {
            out.heading("Perception gaps", level: 2)
            out.list(gaps.map(\.text))
        }
        out.heading("Agreement", level: 2)
        for section in AgreementDraft.Section.allCases where section != .perceptionGap {
            let clauses = draft.clauses.filter { $0.section == section }
            guard !clauses.isEmpty else { continue }
            out.heading(out.escape(sectionTitle(section)), level: 3)
            out.beginList()
            for c in clauses { out.clause(clauseLine(c)) }
            out.endList()
        }
    }

    func clauseLine(_ c: AgreementDraft.Clause) -> ClauseLine {
        let endorsement =
            c.votable
            ? ClauseLine.Endorsement(
                endorsed: w.isEndorsed(c.id),
                counts: Visibility.endorsementCounts(c.id, w).map { (name($0.0), $0.support, $0.members) })
            : nil
        return ClauseLine(text: c.text, owner: ownerLine(c.id), endorsement: endorsement)
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

extension Transcript.Row {
    /// "partly 1, wrong 2": the reactions per verdict, in the verdicts' order.
    var reactionSummary: String {
        Verdict.allCases.compactMap { v in reactions[v].map { "\(v.rawValue) \($0)" } }.joined(separator: ", ")
    }
}
