import DetenteModel

/// Turns an analysis and the room's reactions into clauses, one section at a time. Each ask
/// lands in one clause: trades first, then groups, then the asks left on their own.
struct AgreementComposer {
    let analysis: Analysis
    let reactions: [ItemID: [Reaction]]
    let items: [AnalysisItem]
    let byID: [ItemID: AnalysisItem]
    let casings: [ItemID: [String: String]]
    let blaming: Set<ItemID>
    var clauses: [AgreementDraft.Clause] = []
    var covered: Set<ItemID> = []

    init(items: [AnalysisItem], reactions: [ItemID: [Reaction]], analysis: Analysis) {
        self.analysis = analysis
        self.reactions = reactions
        self.items = items.sorted { $0.id < $1.id }
        byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        casings = Dictionary(uniqueKeysWithValues: items.map { ($0.id, AgreementClauseText.casing(of: $0.text)) })
        blaming = Set(analysis.blame.keys)
    }

    func verdicts(_ id: ItemID) -> [Verdict] { (reactions[id] ?? []).map(\.verdict) }
    /// Most of the other side answered "cannot".
    func refused(_ id: ItemID) -> Bool {
        let v = verdicts(id)
        return !v.isEmpty && v.filter { $0 == .cannot }.count * 2 > v.count
    }
    func name(_ d: Department) -> String { DepartmentName.display(d) }
    func clauseID(_ kind: String, _ ids: [ItemID]) -> ClauseID { "c_\(kind)_" + (ids.sorted().first ?? "x") }

    /// "Ops provides Dev with …" and its conditions, for one ask.
    func commitment(_ item: AnalysisItem, doer: Department, asker: Department) -> String {
        ClauseWording.single(analysis.asks[item.id]!, text: item.text, doers: [doer], askers: [asker], casing: casings[item.id]!)
    }

    mutating func addTrades() {
        for t in analysis.trades {
            guard let a = byID[t.a], let b = byID[t.b], !refused(a.id), !refused(b.id) else { continue }
            let text = AgreementClauseText.capitalised(
                ClauseWording.terminated(commitment(a, doer: a.target, asker: a.department) + "; in return, " + commitment(b, doer: b.target, asker: b.department)))
            clauses.append(
                .init(
                    id: clauseID("trade", [a.id, b.id]), section: .trade, text: text, departments: [a.target, b.target].sorted(),
                    sources: [a.id, b.id], theme: analysis.themes[a.id], confidence: min(1, t.confidence), reason: t.reason))
            covered.formUnion([a.id, b.id])
        }
    }

    mutating func addGroups() {
        for g in analysis.groups {
            // A blaming ask is reframed before it joins any commitment.
            let members = g.members.compactMap { byID[$0] }.filter { !covered.contains($0.id) && !blaming.contains($0.id) }
            guard members.count > 1 else { continue }
            let askers = Set(members.map(\.department)).sorted()
            let doers = Set(members.map(\.target)).sorted()
            // Both sides asking each other for one shared thing ("a joint retro") is done together.
            let together = !Set(askers).isDisjoint(with: doers)
            let ordered = members.sorted { ($0.text.count, $1.id) > ($1.text.count, $0.id) }
            let section: AgreementDraft.Section = askers.count > 1 ? .joint : .commitment
            let text = AgreementClauseText.groupText(
                ordered.compactMap { m in analysis.asks[m.id].map { (ask: $0, text: m.text) } }, doers: together ? Set(askers + doers).sorted() : doers,
                askers: askers, together: together,
                casing: ordered.reduce(into: [:]) { $0.merge(casings[$1.id]!) { old, _ in old } })
            let refusedAll = members.allSatisfy { refused($0.id) }
            clauses.append(
                .init(
                    id: clauseID("group", g.members), section: refusedAll ? .disagreement : section, text: text,
                    departments: Set(members.map(\.department) + members.map(\.target)).sorted(), sources: members.map(\.id).sorted(),
                    theme: analysis.themes[ordered[0].id], confidence: min(1, g.confidence), reason: "asked \(members.count) times; \(g.reason)"))
            covered.formUnion(members.map(\.id))
        }
    }

    mutating func addRequirements() {
        for item in items where item.kind == .requirement && !covered.contains(item.id) {
            clauses.append(analysis.blame[item.id].map { reframeClause(item, blame: $0) } ?? requirementClause(item))
        }
    }

    func reframeClause(_ item: AnalysisItem, blame: Coach.Blame) -> AgreementDraft.Clause {
        .init(
            id: clauseID("reframe", [item.id]), section: .reframe,
            text: "\(name(item.department)) asks \(name(item.target)): “\(item.text)” — to reframe before agreeing: \(blame.reframing)",
            departments: [item.department, item.target].sorted(), sources: [item.id], theme: analysis.themes[item.id],
            confidence: 1, reason: "blaming language (\(blame.rule): “\(blame.trigger)”)", votable: false)
    }

    func requirementClause(_ item: AnalysisItem) -> AgreementDraft.Clause {
        let section: AgreementDraft.Section = refused(item.id) ? .disagreement : .commitment
        let comments = (reactions[item.id] ?? []).filter { $0.verdict == .cannot || $0.verdict == .conditional }.map(\.comment).filter { !$0.isEmpty }
        var text = AgreementClauseText.capitalised(commitment(item, doer: item.target, asker: item.department))
        if section == .disagreement {
            text = "Open: \(name(item.department)) asks “\(item.text)” — \(name(item.target)) says it cannot" + (comments.isEmpty ? "." : ": " + comments.sorted().joined(separator: "; "))
        } else if !comments.isEmpty, verdicts(item.id).contains(.conditional) {
            text += " (condition: " + comments.sorted().joined(separator: "; ") + ")."
        } else {
            text = ClauseWording.terminated(text)
        }
        return .init(
            id: clauseID("req", [item.id]), section: section, text: text, departments: [item.department, item.target].sorted(),
            sources: [item.id], theme: analysis.themes[item.id], confidence: 1,
            reason: section == .disagreement ? "answered “cannot”" : "a requirement on \(name(item.target))")
    }

    mutating func addOffers() {
        for item in items where item.kind == .offer {
            let ask = analysis.asks[item.id]!
            let rewrite = AgreementClauseText.commitment(ask, doers: [item.department], askers: [item.target], casing: casings[item.id]!)
            let worded = ClauseWording.isFaithful(rewrite, to: item.text, ask: ask) ? rewrite : "\(name(item.department)) offers \(name(item.target)): “\(item.text.trimmingWhitespace())”"
            let offer = AgreementClauseText.capitalised(ClauseWording.terminated(worded))
            clauses.append(
                .init(
                    id: clauseID("offer", [item.id]), section: .commitment, text: offer,
                    departments: [item.department, item.target].sorted(), sources: [item.id], theme: analysis.themes[item.id],
                    confidence: 1, reason: "offered in return"))
        }
    }

    /// Outmodel statements most of the other side called wrong.
    mutating func addPerceptionGaps() {
        for item in items where item.kind == .outmodel {
            let r = reactions[item.id] ?? []
            let wrong = r.filter { $0.verdict == .wrong }
            guard !r.isEmpty, wrong.count * 2 >= r.count, !wrong.isEmpty else { continue }
            let reasons = wrong.map(\.comment).filter { !$0.isEmpty }.sorted()
            clauses.append(
                .init(
                    id: clauseID("gap", [item.id]), section: .perceptionGap,
                    text: "\(name(item.department)) believes: “\(item.text)” — \(name(item.target)) says this is wrong" + (reasons.isEmpty ? "." : ": " + reasons.joined(separator: "; ")),
                    departments: [item.department, item.target].sorted(), sources: [item.id], theme: analysis.themes[item.id],
                    confidence: Double(wrong.count) / Double(r.count), reason: "\(wrong.count) of \(r.count) reactions said wrong", votable: false))
        }
    }

    /// How we will measure, and when we review.
    mutating func addClosing(departments: [Department], reviewInDays: Int) {
        let measures = items.filter { $0.kind != .outmodel && analysis.themes[$0.id] == .measurement }.map(\.id).sorted()
        clauses.append(
            .init(
                id: "c_measure", section: .measure,
                text: "We will measure overall time-to-delivery (idea to customer) and availability together, on one shared view, and review them at every retrospective.",
                departments: departments.sorted(), sources: measures, theme: .measurement, confidence: 1,
                reason: measures.isEmpty ? "the workshop's purpose" : "\(measures.count) measurement items"))
        clauses.append(
            .init(
                id: "c_review", section: .review, text: "We will review this agreement together in \(reviewInDays) days.",
                departments: departments.sorted(), sources: [], theme: nil, confidence: 1, reason: "every agreement gets a review date", votable: true))
    }
}
