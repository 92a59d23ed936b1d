import DetenteModel
import Foundation

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

    /// The sentence-vector cosine at which two asks count as one without a shared word; 0 turns
    /// semantic grouping off. Chosen on company C and reported on A, and the other way round: both chose 0.5.
    public var semanticThreshold: Double = 0.5
    /// Semantic pairs below the threshold are suggested only down to this share of it.
    public var semanticSuggestionBand = 0.8
    /// Semantic evidence only between asks to the same department (or two joint asks).
    public var requireSameTarget = true

    public init(groupThreshold: Double = 0.6, tradeThreshold: Double = 0.4) {
        self.groupThreshold = groupThreshold
        self.tradeThreshold = tradeThreshold
    }

    /// A class, not a struct: pair scoring reads two of these per pair, and copying a struct of a
    /// dozen references cost a retain and a release each (a tenth of a 2,000-item draft).
    final class Features {
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

        init(
            item: AnalysisItem, advice: Coach.Advice, words: [Int32], concepts: UInt64, vague: Bool, theme: Theme, conditional: Bool,
            joint: Bool, ask: Ask, keys: [Int32], actionKey: Int32?
        ) {
            self.item = item; self.advice = advice; self.words = words; self.concepts = concepts; self.vague = vague
            self.theme = theme; self.conditional = conditional; self.joint = joint; self.ask = ask; self.keys = keys
            self.actionKey = actionKey
        }
    }

    static let jointCues = [
        "together", "joint", "jointly", "shared", "both", "each other", "swap", "common", "same room", "same screen",
        "with us"
    ].map { Stemmer.stems($0).joined(separator: " ") }

    /// Words that make an ask conditional, as stem phrases.
    static let conditionCues = [
        "if", "unless", "provided", "as long as", "in return", "in exchange", "before you", "only when",
        "on condition", "qualif"
    ].map { Stemmer.stems($0).joined(separator: " ") }

    /// The cues as whole stem phrases (a space either side), built once rather than per item.
    static let spacedConditionCues = conditionCues.map { " " + $0 + " " }
    static let spacedJointCues = jointCues.map { " " + $0 + " " }

    static let stopwords: Set<String> = [
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "we", "us", "our", "you", "your", "they", "them", "their",
        "it", "its", "is", "are", "be", "been", "was", "were", "that", "this", "these", "those", "so", "as", "at", "by", "from", "not",
        "no", "do", "does", "don't", "have", "has", "had", "can", "can't", "could", "should", "would", "will", "must", "need", "needs",
        "please", "every", "each", "all", "any", "some", "more", "less", "than", "then", "when", "before", "after", "about", "into",
        "out", "up", "down", "just", "only", "also", "still", "too", "very", "what", "which", "who", "how", "if", "but", "because",
        "get", "give", "let", "make", "stop", "start", "keep", "put", "one", "two", "three", "dev", "ops", "team", "teams", "developer",
        "developers", "people", "someone", "anyone", "thing", "things", "way", "time", "today", "there", "here", "i", "me", "my", "he",
        "she", "his", "her", "ve", "re", "ll", "d", "s", "t", "it's", "we're", "we'll", "they're", "you're", "via", "per",
        "dba", "security", "platform", "sre", "qa", "department", "side"
    ]

    static func mask(_ concepts: [Int]) -> UInt64 { concepts.reduce(0) { $0 | (1 << UInt64($1)) } }
    static func bits(_ mask: UInt64) -> [Int] { (0..<64).filter { mask & (1 << UInt64($0)) != 0 } }

    func features(_ item: AnalysisItem, coach: Coach, wordIDs: inout [String: Int32], stems memo: inout StemMemo) -> Features {
        let stems = memo.stems(item.text)
        let concepts = ConceptLexicon.concepts(in: stems)
        var ids: [Int32] = []
        for w in Set(stems) where !Self.stopwords.contains(w) && w.count > 2 && !Tokens.isAllNumbers(w) {
            if let id = wordIDs[w] { ids.append(id) } else { let id = Int32(wordIDs.count); wordIDs[w] = id; ids.append(id) }
        }
        let ask = AskParser.parse(item.text)
        let advice = coach.review(item.text, kind: item.kind == .offer ? .requirement : item.kind, speaker: item.department, ask: ask)
        let vague = item.kind != .outmodel && !advice.isActionable
        let joined = " " + stems.joined(separator: " ") + " "
        let conditional = Self.spacedConditionCues.contains { joined.includes($0) }
        let joint = Self.spacedJointCues.contains { joined.includes($0) }
        func keyID(_ key: String) -> Int32 {
            if let id = wordIDs[key] { return id }
            let id = Int32(wordIDs.count); wordIDs[key] = id; return id
        }
        let keys = AskEvidence.keys(of: ask, coreStems: memo.stems(ask.core)).map(keyID)
        return Features(
            item: item, advice: advice, words: ids.sorted(), concepts: Self.mask(concepts), vague: vague,
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
        // No shared object word: the pair came from its sentence vectors.
        if shared.isEmpty { return action + "close in meaning, no shared object word" }
        return action + "same object: " + Array(Set(shared)).sorted().joined(separator: ", ")
    }

    /// Groups near-duplicate asks, pairs trades, and classifies every item (theme, blame,
    /// actionability). Items are read in id order, so the result does not depend on input order.
    public func analyse(_ items: [AnalysisItem]) -> Analysis {
        let coach = Coach()
        var wordIDs: [String: Int32] = [:]
        var stems = StemMemo()
        let feats = items.sorted { $0.id < $1.id }.map { features($0, coach: coach, wordIDs: &wordIDs, stems: &stems) }
        var analysis = Self.classifications(feats)
        let reqs = feats.filter { $0.item.kind == .requirement }
        var keyNames = [String](repeating: "", count: wordIDs.count)
        for (w, id) in wordIDs { keyNames[Int(id)] = w }
        let grouping = group(reqs, keyNames: keyNames)
        analysis.groups = grouping.groups
        analysis.suggestions = grouping.suggestions
        analysis.trades = trades(reqs, groupIndex: grouping.groupIndex)
        analysis.asks = Dictionary(uniqueKeysWithValues: feats.map { ($0.item.id, $0.ask) })
        return analysis
    }

    /// Each item's theme, blame and (for requirements) actionability; no groups or trades yet.
    static func classifications(_ feats: [Features]) -> Analysis {
        var themes: [ItemID: Theme] = [:]
        var blame: [ItemID: Coach.Blame] = [:]
        var actionable: [ItemID: Bool] = [:]
        for f in feats {
            themes[f.item.id] = f.theme
            if let b = f.advice.blame { blame[f.item.id] = b }
            if f.item.kind == .requirement { actionable[f.item.id] = f.advice.isActionable }
        }
        return Analysis(groups: [], trades: [], themes: themes, blame: blame, actionable: actionable)
    }
}
