import DetenteModel
import Foundation

/// Trades: X asks Y, Y asks X, on the same specific topic, and it is not the same ask.
extension AgreementDrafter {
    struct TradeCandidate {
        let score: Double
        let a: Int
        let b: Int
        let reason: String
    }

    func trades(_ reqs: [Features], groupIndex: [ItemID: Int]) -> [Analysis.Trade] {
        let weights = Self.conceptWeights(reqs)
        var byConcept = [[Int]](repeating: [], count: 64)
        for (i, f) in reqs.enumerated() { for c in Self.bits(f.concepts) { byConcept[c].append(i) } }
        var candidates: [TradeCandidate] = []
        for i in reqs.indices {
            var seen = Set<Int>()
            for c in Self.bits(reqs[i].concepts) { for j in byConcept[c] where j > i { seen.insert(j) } }
            for j in seen.sorted() {
                if let g = groupIndex[reqs[i].item.id], groupIndex[reqs[j].item.id] == g { continue }
                if let c = Self.tradeCandidate(reqs, i, j, weights: weights) { candidates.append(c) }
            }
        }
        return pickTrades(candidates, reqs: reqs)
    }

    /// Concept weights: rarer concepts are more specific (inverse document frequency); broad
    /// ones (attitudes, "faster", "tell us") say less.
    static func conceptWeights(_ reqs: [Features]) -> [Double] {
        var df = [Int](repeating: 0, count: 64)
        for f in reqs { for c in bits(f.concepts) { df[c] += 1 } }
        let n = Double(max(reqs.count, 1))
        var weights = [Double](repeating: 1, count: 64)
        for c in ConceptLexicon.concepts.indices where df[c] > 0 {
            let concept = ConceptLexicon.concepts[c]
            weights[c] = (1 + log2(n / Double(df[c])) * 0.5) * (concept.vague || ConceptLexicon.broad.contains(concept.id) ? 0.4 : 1)
        }
        return weights
    }

    static let specificConcepts = mask(
        ConceptLexicon.concepts.indices.filter {
            !ConceptLexicon.concepts[$0].vague && !ConceptLexicon.broad.contains(ConceptLexicon.concepts[$0].id)
        })

    /// How surely two asks from facing departments trade on one topic; nil when they cannot.
    static func tradeCandidate(_ reqs: [Features], _ i: Int, _ j: Int, weights: [Double]) -> TradeCandidate? {
        let a = reqs[i], b = reqs[j]
        guard a.item.department == b.item.target, b.item.department == a.item.target, a.item.department != b.item.department else { return nil }
        // Something to share or do together is one ask, not a trade; a blaming line is no offer.
        if a.joint || b.joint || a.advice.blame != nil || b.advice.blame != nil { return nil }
        let weight = { (m: UInt64) in bits(m).reduce(0.0) { $0 + weights[$1] } }
        let sa = a.concepts & specificConcepts, sb = b.concepts & specificConcepts
        let shared = sa & sb
        let score: Double
        if shared != 0 {
            score = weight(shared) / max(0.001, min(weight(sa), weight(sb)))
        } else if a.vague && b.vague {
            score = 0.5
        } else {
            return nil
        }
        let names = bits(shared != 0 ? shared : a.concepts & b.concepts).map { ConceptLexicon.concepts[$0].id }.sorted()
        // Ties on the topic are broken by shared topic words ("freeze", "change request").
        let sharedWords = sharedCount(a.words, b.words)
        let allWords = a.words.count + b.words.count - sharedWords
        let tieBreak = 0.1 * (allWords == 0 ? 0 : Double(sharedWords) / Double(allWords))
        return TradeCandidate(score: min(1, score) + tieBreak, a: i, b: j, reason: "same topic: " + names.joined(separator: ", "))
    }

    /// The surest candidates above the threshold, each ask in at most one trade.
    func pickTrades(_ candidates: [TradeCandidate], reqs: [Features]) -> [Analysis.Trade] {
        let ordered = candidates.sorted {
            $0.score != $1.score ? $0.score > $1.score : (reqs[$0.a].item.id, reqs[$0.b].item.id) < (reqs[$1.a].item.id, reqs[$1.b].item.id)
        }
        var used: Set<Int> = []
        var trades: [Analysis.Trade] = []
        for c in ordered where c.score >= tradeThreshold && !used.contains(c.a) && !used.contains(c.b) {
            used.insert(c.a); used.insert(c.b)
            trades.append(.init(a: reqs[c.a].item.id, b: reqs[c.b].item.id, confidence: min(1, c.score), reason: c.reason))
        }
        return trades
    }
}
