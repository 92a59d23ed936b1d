import Foundation

/// One item as the drafter sees it: no author, no time.
public struct AnalysisItem: Sendable, Equatable {
    public let id: ItemID
    public let department: Department
    public let kind: ItemKind
    public let target: Department
    public let text: String
    public init(id: ItemID, department: Department, kind: ItemKind, target: Department, text: String) {
        self.id = id; self.department = department; self.kind = kind; self.target = target; self.text = text
    }
}

/// What the drafter found: near-duplicate groups, trades, themes, coaching flags.
public struct Analysis: Sendable {
    public struct Group: Sendable, Equatable {
        public let members: [ItemID]
        public let confidence: Double
        public let reason: String
    }
    public struct Trade: Sendable, Equatable {
        public let a: ItemID
        public let b: ItemID
        public let confidence: Double
        public let reason: String
    }
    public var groups: [Group]
    public var trades: [Trade]
    public var themes: [ItemID: Theme]
    public var blame: [ItemID: Coach.Blame]
    public var actionable: [ItemID: Bool]
}

/// Groups, pairs, classifies and coaches, then drafts the agreement. Pure and deterministic; the
/// result does not depend on input order, and adding an unrelated item leaves other groups alone.
public struct AgreementDrafter: Sendable {
    /// Items join a group when their similarity reaches this; chosen on half of the development
    /// set and checked on the other half (`make eval` prints both).
    public var groupThreshold: Double
    public var tradeThreshold: Double
    /// Every pair inside a group must reach this share of the threshold (guards against chaining).
    public var linkageFloor: Double = 0.85
    public var crossDepartmentMargin: Double = 0.15

    public init(groupThreshold: Double = 0.5, tradeThreshold: Double = 0.4) {
        self.groupThreshold = groupThreshold
        self.tradeThreshold = tradeThreshold
    }

    struct Features {
        let item: AnalysisItem
        let stems: [String]
        let content: Set<String>
        let concepts: Set<Int>
        let vague: Bool
        let theme: Theme
    }

    static let stopwords: Set<String> = [
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "we", "us", "our", "you", "your", "they", "them", "their",
        "it", "its", "is", "are", "be", "been", "was", "were", "that", "this", "these", "those", "so", "as", "at", "by", "from", "not",
        "no", "do", "does", "don't", "have", "has", "had", "can", "can't", "could", "should", "would", "will", "must", "need", "needs",
        "please", "every", "each", "all", "any", "some", "more", "less", "than", "then", "when", "before", "after", "about", "into",
        "out", "up", "down", "just", "only", "also", "still", "too", "very", "what", "which", "who", "how", "if", "but", "because",
        "get", "give", "let", "make", "stop", "start", "keep", "put", "one", "two", "three", "dev", "ops", "team", "teams", "developer",
        "developers", "people", "someone", "anyone", "thing", "things", "way", "time", "today", "there", "here", "i", "me", "my", "he",
        "she", "his", "her", "ve", "re", "ll", "d", "s", "t", "it's", "we're", "we'll", "they're", "you're", "via", "per", "at least",
        "dba", "security", "platform", "sre", "qa", "department", "side",
    ]

    func features(_ item: AnalysisItem, coach: Coach) -> Features {
        let stems = Stemmer.stems(item.text)
        let concepts = Set(ConceptLexicon.concepts(in: stems))
        let content = Set(stems.filter { !Self.stopwords.contains($0) && $0.count > 2 && !$0.allSatisfy(\.isNumber) })
        let advice = coach.review(item.text, kind: item.kind == .offer ? .requirement : item.kind)
        let vague = item.kind != .outmodel && !advice.isActionable
        return Features(item: item, stems: stems, content: content, concepts: concepts, vague: vague, theme: Self.theme(concepts: concepts, stems: stems))
    }

    static func theme(concepts: Set<Int>, stems: [String]) -> Theme {
        var votes = ThemeCues.votes(stems)
        for c in concepts {
            let concept = ConceptLexicon.concepts[c]
            votes[concept.theme, default: 0] += concept.vague ? 0.5 : 1
        }
        if votes.isEmpty { return .culture }
        return Theme.allCases.max { (votes[$0] ?? 0, -Double(Theme.allCases.firstIndex(of: $0)!)) < (votes[$1] ?? 0, -Double(Theme.allCases.firstIndex(of: $1)!)) }!
    }

    /// Similarity of two requirements, with the reason: shared concepts count most (weighted by
    /// rarity), shared content words a little.
    func similarity(_ a: Features, _ b: Features, weights: [Int: Double]) -> (Double, String) {
        if a.vague != b.vague { return (0, "a vague wish and a concrete ask are never merged") }
        let shared = a.concepts.intersection(b.concepts)
        let w = { (s: Set<Int>) in s.reduce(0.0) { $0 + (weights[$1] ?? 1) } }
        // Overlap relative to the smaller item: a short ask ("Joint retro, monthly") is the same
        // ask as a long one that says more around it.
        let smaller = min(w(a.concepts), w(b.concepts))
        let conceptScore = smaller == 0 ? 0 : w(shared) / smaller
        let sharedWords = a.content.intersection(b.content)
        let allWords = a.content.union(b.content)
        let wordScore = allWords.isEmpty ? 0 : Double(sharedWords.count) / Double(allWords.count)
        var score = 0.7 * conceptScore + 0.3 * min(1, wordScore * 2)
        if a.vague && b.vague {
            // Vague wishes group only when they wish for the same thing, not merely both vaguely.
            let union = a.concepts.union(b.concepts)
            score = 0.7 * (union.isEmpty ? 0 : w(shared) / w(union)) + 0.3 * min(1, wordScore * 2)
        }
        if a.item.department != b.item.department {
            // Across departments a shared topic is as often a trade as a duplicate: ask for more.
            score -= crossDepartmentMargin
        }
        let names = shared.map { ConceptLexicon.concepts[$0].id }.sorted()
        let reason = names.isEmpty ? "shared words: \(sharedWords.sorted().prefix(4).joined(separator: ", "))" : "same concepts: \(names.joined(separator: ", "))"
        return (score, reason)
    }

    public func analyse(_ items: [AnalysisItem]) -> Analysis {
        let coach = Coach()
        let sorted = items.sorted { $0.id < $1.id }
        let feats = sorted.map { features($0, coach: coach) }
        var themes: [ItemID: Theme] = [:]
        var blame: [ItemID: Coach.Blame] = [:]
        var actionable: [ItemID: Bool] = [:]
        for f in feats {
            themes[f.item.id] = f.theme
            let advice = coach.review(f.item.text, kind: f.item.kind == .offer ? .requirement : f.item.kind)
            if let b = advice.blame { blame[f.item.id] = b }
            if f.item.kind == .requirement { actionable[f.item.id] = advice.isActionable }
        }
        let reqs = feats.filter { $0.item.kind == .requirement }
        // Concept weights: rarer concepts are more specific (inverse document frequency).
        var df: [Int: Int] = [:]
        for f in reqs { for c in f.concepts { df[c, default: 0] += 1 } }
        let n = Double(max(reqs.count, 1))
        var weights: [Int: Double] = [:]
        for (c, k) in df {
            // Rarer concepts say more; broad ones (attitudes, "faster", "tell us") say less.
            let concept = ConceptLexicon.concepts[c]
            weights[c] = (1 + log2(n / Double(k)) * 0.5) * (concept.vague || ConceptLexicon.broad.contains(concept.id) ? 0.4 : 1)
        }

        // Average-linkage agglomerative grouping, deterministic by id order.
        var clusters: [[Int]] = reqs.indices.map { [$0] }
        var sim = [[Double]](repeating: [Double](repeating: 0, count: reqs.count), count: reqs.count)
        var why = [[String]](repeating: [String](repeating: "", count: reqs.count), count: reqs.count)
        for i in reqs.indices { for j in reqs.indices where j > i {
            let (s, r) = similarity(reqs[i], reqs[j], weights: weights)
            sim[i][j] = s; sim[j][i] = s; why[i][j] = r; why[j][i] = r
        } }
        while true {
            var best = (score: groupThreshold, a: -1, b: -1)
            for a in clusters.indices { for b in clusters.indices where b > a {
                var total = 0.0
                var minimum = 1.0
                for i in clusters[a] { for j in clusters[b] { total += sim[i][j]; minimum = min(minimum, sim[i][j]) } }
                let avg = total / Double(clusters[a].count * clusters[b].count)
                if avg >= best.score, minimum >= groupThreshold * linkageFloor { best = (avg, a, b) }
            } }
            if best.a < 0 { break }
            clusters[best.a] += clusters[best.b]
            clusters.remove(at: best.b)
        }
        var groups: [Analysis.Group] = []
        var groupOf: [ItemID: Int] = [:]
        for c in clusters where c.count > 1 {
            let ids = c.map { reqs[$0].item.id }.sorted()
            var total = 0.0, pairs = 0
            var reason = ""
            for x in c { for y in c where y > x { total += sim[x][y]; pairs += 1; if reason.isEmpty { reason = why[x][y] } } }
            for id in ids { groupOf[id] = groups.count }
            groups.append(.init(members: ids, confidence: min(1, total / Double(max(pairs, 1))), reason: reason))
        }

        // Trades: X asks Y, Y asks X, same topic, different asks.
        var candidates: [(score: Double, a: Int, b: Int, reason: String)] = []
        for i in reqs.indices { for j in reqs.indices where j > i {
            let a = reqs[i], b = reqs[j]
            guard a.item.department == b.item.target, b.item.department == a.item.target, a.item.department != b.item.department else { continue }
            if let g = groupOf[a.item.id], groupOf[b.item.id] == g { continue }
            // Same topic: specific concepts in common, measured against the smaller item.
            let specific = { (f: Features) in f.concepts.filter { !ConceptLexicon.concepts[$0].vague && !ConceptLexicon.broad.contains(ConceptLexicon.concepts[$0].id) } }
            let sa = specific(a), sb = specific(b)
            let shared = sa.intersection(sb)
            guard !shared.isEmpty || a.vague && b.vague && !a.concepts.isDisjoint(with: b.concepts) else { continue }
            let weight = { (s: Set<Int>) in s.reduce(0.0) { $0 + (weights[$1] ?? 1) } }
            let score = shared.isEmpty ? 0.5 : weight(shared) / max(0.001, min(weight(sa), weight(sb)))
            let names = (shared.isEmpty ? a.concepts.intersection(b.concepts) : shared).map { ConceptLexicon.concepts[$0].id }.sorted()
            candidates.append((min(1, score), i, j, "same topic: " + names.joined(separator: ", ")))
        } }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : (reqs[$0.a].item.id, reqs[$0.b].item.id) < (reqs[$1.a].item.id, reqs[$1.b].item.id) }
        var used: Set<Int> = []
        var trades: [Analysis.Trade] = []
        for c in candidates where c.score >= tradeThreshold && !used.contains(c.a) && !used.contains(c.b) {
            used.insert(c.a); used.insert(c.b)
            trades.append(.init(a: reqs[c.a].item.id, b: reqs[c.b].item.id, confidence: c.score, reason: c.reason))
        }
        return Analysis(groups: groups, trades: trades, themes: themes, blame: blame, actionable: actionable)
    }

    /// Drafts the agreement: joint commitments, trades, commitments by department, open
    /// disagreements, perception gaps, how we will measure, and a review date.
    public func draft(items: [AnalysisItem], reactions: [ItemID: [Reaction]], departments: [Department], reviewInDays: Int) -> AgreementDraft {
        let analysis = analyse(items)
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        var clauses: [AgreementDraft.Clause] = []
        var covered: Set<ItemID> = []
        func verdicts(_ id: ItemID) -> [Verdict] { (reactions[id] ?? []).map(\.verdict) }
        func refused(_ id: ItemID) -> Bool {
            let v = verdicts(id)
            return !v.isEmpty && v.filter { $0 == .cannot }.count * 2 > v.count
        }
        func name(_ d: Department) -> String { Workshop.displayName(of: d) }
        func clauseID(_ kind: String, _ ids: [ItemID]) -> ClauseID { "c_\(kind)_" + (ids.sorted().first ?? "x") }

        for t in analysis.trades {
            guard let a = byID[t.a], let b = byID[t.b], !refused(a.id), !refused(b.id) else { continue }
            let text = "\(name(a.target)) will: \(a.text) In return, \(name(b.target)) will: \(b.text)"
            clauses.append(.init(id: clauseID("trade", [a.id, b.id]), section: .trade, text: text, departments: [a.target, b.target].sorted(),
                                 sources: [a.id, b.id], theme: analysis.themes[a.id], confidence: t.confidence, reason: t.reason))
            covered.formUnion([a.id, b.id])
        }
        for g in analysis.groups {
            let members = g.members.compactMap { byID[$0] }.filter { !covered.contains($0.id) }
            guard members.count > 1 else { continue }
            let asking = Set(members.map(\.department))
            let lead = members.max { ($0.text.count, $1.id) < ($1.text.count, $0.id) }!
            let section: AgreementDraft.Section = asking.count > 1 ? .joint : .commitment
            let who = Set(members.map(\.target)).sorted().map(name).joined(separator: " and ")
            let text = asking.count > 1 ? "Together we will: \(lead.text)" : "\(who) will: \(lead.text)"
            let refusedAll = members.allSatisfy { refused($0.id) }
            clauses.append(.init(id: clauseID("group", g.members), section: refusedAll ? .disagreement : section, text: text,
                                 departments: Set(members.map(\.department) + members.map(\.target)).sorted(), sources: members.map(\.id).sorted(),
                                 theme: analysis.themes[lead.id], confidence: g.confidence, reason: "asked \(members.count) times; \(g.reason)"))
            covered.formUnion(members.map(\.id))
        }
        for item in items.sorted(by: { $0.id < $1.id }) where item.kind == .requirement && !covered.contains(item.id) {
            let section: AgreementDraft.Section = refused(item.id) ? .disagreement : .commitment
            let comments = (reactions[item.id] ?? []).filter { $0.verdict == .cannot || $0.verdict == .conditional }.map(\.comment).filter { !$0.isEmpty }
            var text = "\(name(item.target)) will: \(item.text)"
            if section == .disagreement { text = "Open: \(name(item.department)) asks “\(item.text)” — \(name(item.target)) says it cannot" + (comments.isEmpty ? "." : ": " + comments.sorted().joined(separator: "; ")) }
            else if !comments.isEmpty, verdicts(item.id).contains(.conditional) { text += " (condition: " + comments.sorted().joined(separator: "; ") + ")" }
            clauses.append(.init(id: clauseID("req", [item.id]), section: section, text: text, departments: [item.department, item.target].sorted(),
                                 sources: [item.id], theme: analysis.themes[item.id], confidence: 1,
                                 reason: section == .disagreement ? "answered “cannot”" : "a requirement on \(name(item.target))"))
        }
        for item in items.sorted(by: { $0.id < $1.id }) where item.kind == .offer {
            clauses.append(.init(id: clauseID("offer", [item.id]), section: .commitment, text: "\(name(item.department)) offers: \(item.text)",
                                 departments: [item.department, item.target].sorted(), sources: [item.id], theme: analysis.themes[item.id],
                                 confidence: 1, reason: "offered in return"))
        }
        for item in items.sorted(by: { $0.id < $1.id }) where item.kind == .outmodel {
            let r = reactions[item.id] ?? []
            let wrong = r.filter { $0.verdict == .wrong }
            guard !r.isEmpty, wrong.count * 2 >= r.count, !wrong.isEmpty else { continue }
            let reasons = wrong.map(\.comment).filter { !$0.isEmpty }.sorted()
            clauses.append(.init(id: clauseID("gap", [item.id]), section: .perceptionGap,
                                 text: "\(name(item.department)) believes: “\(item.text)” — \(name(item.target)) says this is wrong" + (reasons.isEmpty ? "." : ": " + reasons.joined(separator: "; ")),
                                 departments: [item.department, item.target].sorted(), sources: [item.id], theme: analysis.themes[item.id],
                                 confidence: Double(wrong.count) / Double(r.count), reason: "\(wrong.count) of \(r.count) reactions said wrong", votable: false))
        }
        let measures = items.filter { $0.kind != .outmodel && analysis.themes[$0.id] == .measurement }.map(\.id).sorted()
        clauses.append(.init(id: "c_measure", section: .measure,
                             text: "We will measure overall time-to-delivery (idea to customer) and availability together, on one shared view, and review them at every retrospective.",
                             departments: departments.sorted(), sources: measures, theme: .measurement, confidence: 1,
                             reason: measures.isEmpty ? "the workshop's purpose" : "\(measures.count) measurement items"))
        clauses.append(.init(id: "c_review", section: .review, text: "We will review this agreement together in \(reviewInDays) days.",
                             departments: departments.sorted(), sources: [], theme: nil, confidence: 1, reason: "every agreement gets a review date", votable: true))
        let order = AgreementDraft.Section.allCases
        clauses.sort { (order.firstIndex(of: $0.section)!, $0.id) < (order.firstIndex(of: $1.section)!, $1.id) }
        return AgreementDraft(clauses: clauses)
    }
}
