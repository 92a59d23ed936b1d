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
            return Row(
                id: b.id, department: b.department, kind: b.kind, target: b.target, text: b.text, votes: b.votes,
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
        w.botLog.filter {
            if case .everyone = $0.audience { return true }; if case .department = $0.audience { return true }; return false
        }
        .map(\.text).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

}
