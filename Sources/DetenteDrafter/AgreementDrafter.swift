import DetenteModel
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
    /// Pairs the drafter is unsure about: the room decides ("Are these the same ask?").
    public var suggestions: [Suggestion] = []
    /// Each item's parsed parts, for wording the clauses.
    public internal(set) var asks: [ItemID: Ask] = [:]

    public struct Suggestion: Sendable, Equatable {
        public enum Kind: String, Sendable { case sameAsk = "same_ask", trade }
        public let kind: Kind
        public let a: ItemID
        public let b: ItemID
        /// In [0, 1]; below the drafter's threshold for deciding alone.
        public let confidence: Double
        public let reason: String
        public var question: String { kind == .sameAsk ? "Are these the same ask?" : "Is this a trade, each side giving the other something?" }
    }
}

/// Groups, pairs, classifies and coaches, then drafts the agreement. Pure and deterministic; the
/// result does not depend on input order, and adding an unrelated item leaves other groups alone.
public struct AgreementDrafter: Sendable {
    /// Asks are merged without asking the room when their confidence reaches this; below it and
    /// above `suggestionFloor` they become suggestions. Chosen precision first on company C's
    /// development set and reported on A (`make eval` prints both directions).
    public var groupThreshold: Double
    public var tradeThreshold: Double
    /// Every pair inside a group must reach this share of the threshold (guards against chaining).
    public var linkageFloor: Double = 0.85
    /// Pairs at least this sure but below the threshold are put to the room as suggestions.
    public var suggestionFloor: Double = 0.35
    /// A room can weigh a handful of questions, not hundreds: the surest ones first.
    public var maxSuggestions = 12

    public init(groupThreshold: Double = 0.6, tradeThreshold: Double = 0.4) {
        self.groupThreshold = groupThreshold
        self.tradeThreshold = tradeThreshold
    }

    struct Features {
        let item: AnalysisItem
        let advice: Coach.Advice
        /// Content words as sorted ids (for a fast merge-intersection).
        let words: [Int32]
        /// Concepts as a bit set: the lexicon has fewer than 64 concepts.
        let concepts: UInt64
        let vague: Bool
        let theme: Theme
        /// States a condition on the other side ("if the freeze gets shorter…", "before you ask…"):
        /// an offer to trade, never the same ask as the other side's.
        let conditional: Bool
        /// Asks for something both sides share or do together ("a joint retro", "one channel both
        /// teams watch"): the same ask from either side, never a trade.
        let joint: Bool
        /// The ask's parts, and its object as sorted key ids (lemmas, plus concepts named in it).
        let ask: Ask
        let keys: [Int32]
        let actionKey: Int32?
    }

    static let jointCues = ["together", "joint", "jointly", "shared", "both", "each other", "swap", "common", "same room", "same screen",
                            "with us"].map { Stemmer.stems($0).joined(separator: " ") }

    /// Words that make an ask conditional, as stem phrases.
    static let conditionCues = ["if", "unless", "provided", "as long as", "in return", "in exchange", "before you", "only when",
                                "on condition", "qualif"].map { Stemmer.stems($0).joined(separator: " ") }

    static let stopwords: Set<String> = [
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "we", "us", "our", "you", "your", "they", "them", "their",
        "it", "its", "is", "are", "be", "been", "was", "were", "that", "this", "these", "those", "so", "as", "at", "by", "from", "not",
        "no", "do", "does", "don't", "have", "has", "had", "can", "can't", "could", "should", "would", "will", "must", "need", "needs",
        "please", "every", "each", "all", "any", "some", "more", "less", "than", "then", "when", "before", "after", "about", "into",
        "out", "up", "down", "just", "only", "also", "still", "too", "very", "what", "which", "who", "how", "if", "but", "because",
        "get", "give", "let", "make", "stop", "start", "keep", "put", "one", "two", "three", "dev", "ops", "team", "teams", "developer",
        "developers", "people", "someone", "anyone", "thing", "things", "way", "time", "today", "there", "here", "i", "me", "my", "he",
        "she", "his", "her", "ve", "re", "ll", "d", "s", "t", "it's", "we're", "we'll", "they're", "you're", "via", "per",
        "dba", "security", "platform", "sre", "qa", "department", "side",
    ]

    static func mask(_ concepts: [Int]) -> UInt64 { concepts.reduce(0) { $0 | (1 << UInt64($1)) } }
    static func bits(_ mask: UInt64) -> [Int] { (0..<64).filter { mask & (1 << UInt64($0)) != 0 } }

    func features(_ item: AnalysisItem, coach: Coach, wordIDs: inout [String: Int32]) -> Features {
        let stems = Stemmer.stems(item.text)
        let concepts = ConceptLexicon.concepts(in: stems)
        var ids: [Int32] = []
        for w in Set(stems) where !Self.stopwords.contains(w) && w.count > 2 && !w.allSatisfy(\.isNumber) {
            if let id = wordIDs[w] { ids.append(id) } else { let id = Int32(wordIDs.count); wordIDs[w] = id; ids.append(id) }
        }
        let ask = AskParser.parse(item.text)
        let advice = coach.review(item.text, kind: item.kind == .offer ? .requirement : item.kind, speaker: item.department, ask: ask)
        let vague = item.kind != .outmodel && !advice.isActionable
        let joined = " " + stems.joined(separator: " ") + " "
        let conditional = Self.conditionCues.contains { joined.includes(" " + $0 + " ") }
        let joint = Self.jointCues.contains { joined.includes(" " + $0 + " ") }
        func keyID(_ key: String) -> Int32 {
            if let id = wordIDs[key] { return id }
            let id = Int32(wordIDs.count); wordIDs[key] = id; return id
        }
        let keys = AskEvidence.keys(of: ask).map(keyID)
        return Features(item: item, advice: advice, words: ids.sorted(), concepts: Self.mask(concepts), vague: vague,
                        theme: Self.theme(concepts: concepts, stems: stems, blaming: advice.blame != nil), conditional: conditional, joint: joint,
                        ask: ask, keys: Array(Set(keys)).sorted(), actionKey: ask.action.map(keyID))
    }

    /// `concepts` in the order the text names them.
    static func theme(concepts: [Int], stems: [String], blaming: Bool = false) -> Theme {
        var votes = ThemeCues.votes(stems).merging(ThemeCues.lensVotes(stems), uniquingKeysWith: +)
        // Blame and insults are about the relationship (CALMS culture), whatever they name.
        if blaming { votes[.culture, default: 0] += 1 }
        var first = true
        for c in concepts {
            let concept = ConceptLexicon.concepts[c]
            // Attitudes and broad concepts colour an item; specific ones say what it is about.
            var vote = concept.vague ? 0.5 : ConceptLexicon.broad.contains(concept.id) ? 0.75 : 1
            // An ask names its action first and its context after ("shadow the on-call engineer").
            if first && !concept.vague { vote += 0.1; first = false }
            votes[concept.theme, default: 0] += vote
        }
        if votes.isEmpty { return .culture }
        return Theme.allCases.max { (votes[$0] ?? 0, -Double(Theme.allCases.firstIndex(of: $0)!)) < (votes[$1] ?? 0, -Double(Theme.allCases.firstIndex(of: $1)!)) }!
    }

    static func sharedCount(_ a: [Int32], _ b: [Int32]) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return n
    }

    /// Why two asks look like one: the action they share, and the object words both name.
    func reason(_ a: Features, _ b: Features, words: [String]) -> String {
        let shared = AskEvidence.sharedKeys(a.keys, b.keys).map { words[Int($0)] }.map { $0.hasPrefix("c:") ? String($0.dropFirst(2)) : $0 }
        let action = a.ask.action != nil && a.ask.action == b.ask.action ? "same action “\(a.ask.action!)”, " : ""
        return action + "same object: " + Array(Set(shared)).sorted().joined(separator: ", ")
    }

    public func analyse(_ items: [AnalysisItem]) -> Analysis {
        let coach = Coach()
        let sorted = items.sorted { $0.id < $1.id }
        var wordIDs: [String: Int32] = [:]
        let feats = sorted.map { features($0, coach: coach, wordIDs: &wordIDs) }
        var themes: [ItemID: Theme] = [:]
        var blame: [ItemID: Coach.Blame] = [:]
        var actionable: [ItemID: Bool] = [:]
        for f in feats {
            themes[f.item.id] = f.theme
            if let b = f.advice.blame { blame[f.item.id] = b }
            if f.item.kind == .requirement { actionable[f.item.id] = f.advice.isActionable }
        }
        let reqs = feats.filter { $0.item.kind == .requirement }
        // Concept weights: rarer concepts are more specific (inverse document frequency); broad
        // ones (attitudes, "faster", "tell us") say less. Used for trades.
        var df = [Int](repeating: 0, count: 64)
        for f in reqs { for c in Self.bits(f.concepts) { df[c] += 1 } }
        let n = Double(max(reqs.count, 1))
        var weights = [Double](repeating: 1, count: 64)
        for c in ConceptLexicon.concepts.indices where df[c] > 0 {
            let concept = ConceptLexicon.concepts[c]
            weights[c] = (1 + log2(n / Double(df[c])) * 0.5) * (concept.vague || ConceptLexicon.broad.contains(concept.id) ? 0.4 : 1)
        }
        // Object-key weights and an inverted index: only asks sharing an object key are compared,
        // which keeps large workshops near-linear.
        var keyDF = [Int](repeating: 0, count: wordIDs.count)
        var byKey = [[Int]](repeating: [], count: wordIDs.count)
        for (i, f) in reqs.enumerated() { for k in f.keys { keyDF[Int(k)] += 1; byKey[Int(k)].append(i) } }
        let keyWeights = keyDF.map { AskEvidence.weight(documentFrequency: $0, documents: reqs.count) }
        let count = reqs.count
        var sims: [Int: Float] = [:]  // [i * count + j], i < j; only pairs that share an object key
        var edges: [(score: Double, i: Int, j: Int)] = []
        var near: [(score: Double, i: Int, j: Int)] = []
        for i in reqs.indices {
            var seen = Set<Int>()
            for k in reqs[i].keys { for j in byKey[Int(k)] where j > i { seen.insert(j) } }
            for j in seen.sorted() {
                let s = AskEvidence.match(reqs[i], reqs[j], weights: keyWeights, actions: (reqs[i].actionKey, reqs[j].actionKey)).confidence
                if s > 0 { sims[i * count + j] = Float(s) }
                if s >= groupThreshold * linkageFloor { edges.append((s, i, j)) }
                if s >= suggestionFloor && s < groupThreshold { near.append((s, i, j)) }
            }
        }
        func sim(_ a: Int, _ b: Int) -> Double { Double(sims[min(a, b) * count + max(a, b)] ?? 0) }

        // Greedy average linkage over edges, strongest first: two groups merge when their average
        // similarity reaches the threshold and no pair falls below the floor (no chaining).
        edges.sort { $0.score != $1.score ? $0.score > $1.score : ($0.i, $0.j) < ($1.i, $1.j) }
        var keyNames = [String](repeating: "", count: wordIDs.count)
        for (w, id) in wordIDs { keyNames[Int(id)] = w }
        var groupOf = Array(reqs.indices)
        var members: [Int: [Int]] = Dictionary(uniqueKeysWithValues: reqs.indices.map { ($0, [$0]) })
        for e in edges {
            let ga = groupOf[e.i], gb = groupOf[e.j]
            guard ga != gb, let a = members[ga], let b = members[gb] else { continue }
            var total = 0.0, minimum = 1.0
            for x in a { for y in b { let s = sim(x, y); total += s; minimum = min(minimum, s) } }
            guard total / Double(a.count * b.count) >= groupThreshold, minimum >= groupThreshold * linkageFloor else { continue }
            let (keep, drop) = ga < gb ? (ga, gb) : (gb, ga)
            members[keep] = (members[keep] ?? []) + (members[drop] ?? [])
            members[drop] = nil
            for x in members[keep]! { groupOf[x] = keep }
        }
        var groups: [Analysis.Group] = []
        var groupIndex: [ItemID: Int] = [:]
        for key in members.keys.sorted() {
            guard let m = members[key], m.count > 1 else { continue }
            let ids = m.map { reqs[$0].item.id }.sorted()
            var total = 0.0, pairs = 0
            var best = (score: -1.0, reason: "")
            for x in m { for y in m where y > x {
                let s = sim(x, y); total += s; pairs += 1
                if s > best.score { best = (s, reason(reqs[x], reqs[y], words: keyNames)) }
            } }
            for id in ids { groupIndex[id] = groups.count }
            groups.append(.init(members: ids, confidence: min(1, total / Double(max(pairs, 1))), reason: best.reason))
        }
        groups.sort { $0.members[0] < $1.members[0] }
        let suggestions = near.filter { groupOf[$0.i] != groupOf[$0.j] }.map {
            Analysis.Suggestion(kind: .sameAsk, a: reqs[$0.i].item.id, b: reqs[$0.j].item.id, confidence: $0.score,
                                reason: reason(reqs[$0.i], reqs[$0.j], words: keyNames))
        }.sorted { ($0.confidence, $1.a, $1.b) > ($1.confidence, $0.a, $0.b) }

        // Trades: X asks Y, Y asks X, same specific topic, not the same ask.
        var byConcept = [[Int]](repeating: [], count: 64)
        for (i, f) in reqs.enumerated() { for c in Self.bits(f.concepts) { byConcept[c].append(i) } }
        let specificMask = Self.mask(ConceptLexicon.concepts.indices.filter {
            !ConceptLexicon.concepts[$0].vague && !ConceptLexicon.broad.contains(ConceptLexicon.concepts[$0].id)
        })
        let weight = { (m: UInt64) in Self.bits(m).reduce(0.0) { $0 + weights[$1] } }
        var candidates: [(score: Double, a: Int, b: Int, reason: String)] = []
        for i in reqs.indices {
            var seen = Set<Int>()
            for c in Self.bits(reqs[i].concepts) { for j in byConcept[c] where j > i { seen.insert(j) } }
            for j in seen.sorted() {
                let a = reqs[i], b = reqs[j]
                guard a.item.department == b.item.target, b.item.department == a.item.target, a.item.department != b.item.department else { continue }
                if let g = groupIndex[a.item.id], groupIndex[b.item.id] == g { continue }
                // Something to share or do together is one ask, not a trade; a blaming line is no offer.
                if a.joint || b.joint || a.advice.blame != nil || b.advice.blame != nil { continue }
                let sa = a.concepts & specificMask, sb = b.concepts & specificMask
                let shared = sa & sb
                let score: Double
                if shared != 0 {
                    score = weight(shared) / max(0.001, min(weight(sa), weight(sb)))
                } else if a.vague && b.vague {
                    score = 0.5
                } else { continue }
                let names = Self.bits(shared != 0 ? shared : a.concepts & b.concepts).map { ConceptLexicon.concepts[$0].id }.sorted()
                // Ties on the topic are broken by shared topic words ("freeze", "change request").
                let sharedWords = Self.sharedCount(a.words, b.words)
                let allWords = a.words.count + b.words.count - sharedWords
                let tieBreak = 0.1 * (allWords == 0 ? 0 : Double(sharedWords) / Double(allWords))
                candidates.append((min(1, score) + tieBreak, i, j, "same topic: " + names.joined(separator: ", ")))
            }
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : (reqs[$0.a].item.id, reqs[$0.b].item.id) < (reqs[$1.a].item.id, reqs[$1.b].item.id) }
        var used: Set<Int> = []
        var trades: [Analysis.Trade] = []
        for c in candidates where c.score >= tradeThreshold && !used.contains(c.a) && !used.contains(c.b) {
            used.insert(c.a); used.insert(c.b)
            trades.append(.init(a: reqs[c.a].item.id, b: reqs[c.b].item.id, confidence: min(1, c.score), reason: c.reason))
        }
        return Analysis(groups: groups, trades: trades, themes: themes, blame: blame, actionable: actionable, suggestions: suggestions,
                        asks: Dictionary(uniqueKeysWithValues: feats.map { ($0.item.id, $0.ask) }))
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
        func name(_ d: Department) -> String { DepartmentName.display(d) }
        func clauseID(_ kind: String, _ ids: [ItemID]) -> ClauseID { "c_\(kind)_" + (ids.sorted().first ?? "x") }

        let asks = analysis.asks
        let casings = Dictionary(uniqueKeysWithValues: items.map { ($0.id, AgreementClauseText.casing(of: $0.text)) })
        let blaming = Set(analysis.blame.keys)
        for t in analysis.trades {
            guard let a = byID[t.a], let b = byID[t.b], !refused(a.id), !refused(b.id), let askA = asks[a.id], let askB = asks[b.id] else { continue }
            let text = AgreementClauseText.capitalised(
                AgreementClauseText.commitment(askA, doers: [a.target], askers: [a.department], casing: casings[a.id]!)
                + AgreementClauseText.conditions([askA], doers: [a.target], askers: [a.department], casing: casings[a.id]!)
                + "; in return, " + AgreementClauseText.commitment(askB, doers: [b.target], askers: [b.department], casing: casings[b.id]!)
                + AgreementClauseText.conditions([askB], doers: [b.target], askers: [b.department], casing: casings[b.id]!) + ".")
            clauses.append(.init(id: clauseID("trade", [a.id, b.id]), section: .trade, text: text, departments: [a.target, b.target].sorted(),
                                 sources: [a.id, b.id], theme: analysis.themes[a.id], confidence: min(1, t.confidence), reason: t.reason))
            covered.formUnion([a.id, b.id])
        }
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
            let text = AgreementClauseText.groupText(ordered.compactMap { asks[$0.id] }, doers: together ? Set(askers + doers).sorted() : doers,
                                                     askers: askers, together: together,
                                                     casing: ordered.reduce(into: [:]) { $0.merge(casings[$1.id]!) { old, _ in old } })
            let refusedAll = members.allSatisfy { refused($0.id) }
            clauses.append(.init(id: clauseID("group", g.members), section: refusedAll ? .disagreement : section, text: text,
                                 departments: Set(members.map(\.department) + members.map(\.target)).sorted(), sources: members.map(\.id).sorted(),
                                 theme: analysis.themes[ordered[0].id], confidence: min(1, g.confidence), reason: "asked \(members.count) times; \(g.reason)"))
            covered.formUnion(members.map(\.id))
        }
        for item in items.sorted(by: { $0.id < $1.id }) where item.kind == .requirement && !covered.contains(item.id) {
            if let blame = analysis.blame[item.id] {
                clauses.append(.init(id: clauseID("reframe", [item.id]), section: .reframe,
                                     text: "\(name(item.department)) asks \(name(item.target)): “\(item.text)” — to reframe before agreeing: \(blame.reframing)",
                                     departments: [item.department, item.target].sorted(), sources: [item.id], theme: analysis.themes[item.id],
                                     confidence: 1, reason: "blaming language (\(blame.rule): “\(blame.trigger)”)", votable: false))
                continue
            }
            let section: AgreementDraft.Section = refused(item.id) ? .disagreement : .commitment
            let comments = (reactions[item.id] ?? []).filter { $0.verdict == .cannot || $0.verdict == .conditional }.map(\.comment).filter { !$0.isEmpty }
            let ask = asks[item.id]!
            var text = AgreementClauseText.capitalised(AgreementClauseText.commitment(ask, doers: [item.target], askers: [item.department], casing: casings[item.id]!)
                                                       + AgreementClauseText.conditions([ask], doers: [item.target], askers: [item.department], casing: casings[item.id]!))
            if section == .disagreement { text = "Open: \(name(item.department)) asks “\(item.text)” — \(name(item.target)) says it cannot" + (comments.isEmpty ? "." : ": " + comments.sorted().joined(separator: "; ")) }
            else if !comments.isEmpty, verdicts(item.id).contains(.conditional) { text += " (condition: " + comments.sorted().joined(separator: "; ") + ")." }
            else { text += "." }
            clauses.append(.init(id: clauseID("req", [item.id]), section: section, text: text, departments: [item.department, item.target].sorted(),
                                 sources: [item.id], theme: analysis.themes[item.id], confidence: 1,
                                 reason: section == .disagreement ? "answered “cannot”" : "a requirement on \(name(item.target))"))
        }
        for item in items.sorted(by: { $0.id < $1.id }) where item.kind == .offer {
            let offer = AgreementClauseText.capitalised(AgreementClauseText.commitment(asks[item.id]!, doers: [item.department], askers: [item.target], casing: casings[item.id]!) + ".")
            clauses.append(.init(id: clauseID("offer", [item.id]), section: .commitment, text: offer,
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
        let suggestions = analysis.suggestions.prefix(maxSuggestions).map {
            DraftSuggestion(kind: $0.kind == .sameAsk ? .sameAsk : .trade, items: [$0.a, $0.b], reason: $0.reason, confidence: $0.confidence)
        }
        return AgreementDraft(clauses: clauses, suggestions: Array(suggestions))
    }
}
