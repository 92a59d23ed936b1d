import DetenteModel
import Foundation

/// Grouping near-duplicate asks: score candidate pairs, link them without chaining, and put the
/// unsure pairs to the room.
extension AgreementDrafter {
    struct Grouping {
        var groups: [Analysis.Group]
        /// Which group (an index into `groups`) an item belongs to, for items in a group.
        var groupIndex: [ItemID: Int]
        var suggestions: [Analysis.Suggestion]
    }

    /// A scored pair of requirements (indices into the requirement list, `i < j`).
    struct ScoredPair {
        let score: Double
        let i: Int
        let j: Int
    }

    /// Similarities of the compared pairs, and the pairs strong enough to link or to suggest.
    struct PairScores {
        let count: Int
        var sims: [Int: Float] = [:]  // [i * count + j], i < j; only pairs that could link or be suggested
        var edges: [ScoredPair] = []
        var near: [ScoredPair] = []
        func sim(_ a: Int, _ b: Int) -> Double { Double(sims[min(a, b) * count + max(a, b)] ?? 0) }
    }

    func group(_ reqs: [Features], keyNames: [String]) -> Grouping {
        let scores = scorePairs(reqs, keyCount: keyNames.count)
        let (groupOf, members) = link(scores)
        var grouping = collectGroups(members, scores: scores, reqs: reqs, keyNames: keyNames)
        grouping.suggestions = scores.near.filter { groupOf[$0.i] != groupOf[$0.j] }.map {
            Analysis.Suggestion(
                kind: .sameAsk, a: reqs[$0.i].item.id, b: reqs[$0.j].item.id, confidence: $0.score,
                reason: reason(reqs[$0.i], reqs[$0.j], words: keyNames))
        }.sorted { ($0.confidence, $1.a, $1.b) > ($1.confidence, $0.a, $0.b) }
        return grouping
    }

    /// Every pair's confidence: the lexical evidence (same action on the same object) where the
    /// asks share an object key, or the semantic evidence (close sentence vectors), whichever is
    /// surer. Lexical pairs come from an inverted index; semantic ones from one pass over all
    /// pairs, a dot product each, which stays within the drafting budget at 2,000 items.
    func scorePairs(_ reqs: [Features], keyCount: Int) -> PairScores {
        // Weaker pairs can neither link (every pair in a group reaches the floor) nor be suggested.
        let keepFloor = min(suggestionFloor, groupThreshold * linkageFloor)
        var best = lexicalScores(reqs, keyCount: keyCount).filter { $0.value >= keepFloor }
        if semanticThreshold > 0 {
            let sentences = SentenceVectors(reqs.map(\.item.text))
            // Below the suggestion band a pair is dropped anyway: skip it before any other work.
            let minimumCosine = Float(max(keepFloor / groupThreshold, semanticSuggestionBand) * semanticThreshold)
            // Cosines are calibrated on workshop-sized sets; in a small one, shared filler words
            // weigh too much to merge on vectors alone, so the room is asked instead.
            let ceiling = reqs.count >= SentenceVectors.commonComponentMinimum ? 1 : groupThreshold * 0.99
            let guards = SemanticGuards(reqs, requireSameTarget: requireSameTarget)
            // A pair the guards reject scores 0, below `keepFloor` when that is positive: skip its
            // cosine, and visit only the blocks of asks that can pair at all.
            let skipsRejected = keepFloor > 0
            let blocks = skipsRejected ? guards.blocks() : [(Array(reqs.indices), { (_: Int, _: Int) in true })]
            let keep = { (i: Int, j: Int, cosine: Float) in
                let s = min(ceiling, semanticConfidence(reqs[i], reqs[j], cosine: Double(cosine)))
                if s >= keepFloor { best[i * reqs.count + j] = max(best[i * reqs.count + j] ?? 0, s) }
            }
            for (members, admits) in blocks {
                let mayPair = { (i: Int, j: Int) in !skipsRejected || (admits(i, j) && guards.mayPair(i, j)) }
                sentences.forEachPair(among: members, atLeast: minimumCosine, where: mayPair, keep)
            }
        }
        var scores = PairScores(count: reqs.count)
        for (key, s) in best { record(s, key / reqs.count, key % reqs.count, in: &scores) }
        return scores
    }

    /// Object-key weights and an inverted index: only asks sharing an object key are compared.
    func lexicalScores(_ reqs: [Features], keyCount: Int) -> [Int: Double] {
        var keyDF = [Int](repeating: 0, count: keyCount)
        var byKey = [[Int]](repeating: [], count: keyCount)
        for (i, f) in reqs.enumerated() { for k in f.keys { keyDF[Int(k)] += 1; byKey[Int(k)].append(i) } }
        let keyWeights = keyDF.map { AskEvidence.weight(documentFrequency: $0, documents: reqs.count) }
        let askWeights = reqs.map { AskEvidence.keyWeight($0.keys, weights: keyWeights) }
        var scores: [Int: Double] = [:]
        // `seenBy[j] == i`: j already scored against i (a stamp per item instead of a set per item).
        var seenBy = [Int](repeating: -1, count: reqs.count)
        for i in reqs.indices {
            for k in reqs[i].keys {
                for j in byKey[Int(k)] where j > i && seenBy[j] != i {
                    seenBy[j] = i
                    let s = AskEvidence.confidence(reqs[i], reqs[j], weights: keyWeights, askWeights: (askWeights[i], askWeights[j]))
                    if s > 0 { scores[i * reqs.count + j] = s }
                }
            }
        }
        return scores
    }

    /// Sentence-vector similarity on the confidence scale: a cosine of `semanticThreshold`
    /// reaches the grouping threshold. The guards of the lexical evidence hold here too: a
    /// conditional offer across departments is a trade, not the same ask.
    func semanticConfidence(_ a: Features, _ b: Features, cosine: Double) -> Double {
        guard semanticThreshold > 0, cosine > 0, a.vague == b.vague else { return 0 }
        if a.item.department != b.item.department && (a.conditional || b.conditional) { return 0 }
        if a.item.target != b.item.target && !(a.joint && b.joint) && requireSameTarget { return 0 }
        var confidence = min(1, groupThreshold * cosine / semanticThreshold)
        // Vectors alone are weaker evidence than a shared action and object: only a narrow band
        // below the threshold is worth the room's time.
        if confidence < groupThreshold * semanticSuggestionBand { return 0 }
        if a.vague { confidence = min(confidence, 0.45) }
        return confidence
    }

    /// The guards of `semanticConfidence` that do not depend on the cosine, on small integers so
    /// they can run before it. Never stricter than `semanticConfidence`: a pair it admits may
    /// still score 0 there, but a pair it rejects always does.
    struct SemanticGuards {
        let vague: [Bool], conditional: [Bool], joint: [Bool]
        let department: [Int], target: [Int]
        let requireSameTarget: Bool

        init(_ reqs: [Features], requireSameTarget: Bool) {
            var ids: [Department: Int] = [:]
            func id(_ d: Department) -> Int { if let i = ids[d] { return i }; ids[d] = ids.count; return ids.count - 1 }
            vague = reqs.map(\.vague); conditional = reqs.map(\.conditional); joint = reqs.map(\.joint)
            department = reqs.map { id($0.item.department) }
            target = reqs.map { id($0.item.target) }
            self.requireSameTarget = requireSameTarget
        }

        /// Ascending index lists that hold every pair `mayPair` admits exactly once (with a
        /// filter for the list whose same-target pairs another list already holds): asks with the
        /// same vagueness and target, then joint asks with the same vagueness across targets.
        func blocks() -> [(members: [Int], admits: (Int, Int) -> Bool)] {
            let target = self.target
            guard requireSameTarget else {
                let split = Dictionary(grouping: vague.indices) { vague[$0] }
                return split.keys.sorted { !$0 && $1 }.map { (split[$0]!, { (_: Int, _: Int) in true }) }
            }
            struct Key: Hashable { let vague: Bool, target: Int }
            let byTarget = Dictionary(grouping: vague.indices) { Key(vague: vague[$0], target: target[$0]) }
            var out: [(members: [Int], admits: (Int, Int) -> Bool)] = byTarget.keys
                .sorted { ($0.vague ? 1 : 0, $0.target) < ($1.vague ? 1 : 0, $1.target) }
                .map { (byTarget[$0]!, { (_: Int, _: Int) in true }) }
            for v in [false, true] {
                let jointAsks = vague.indices.filter { joint[$0] && vague[$0] == v }
                if jointAsks.count > 1 { out.append((jointAsks, { a, b in target[a] != target[b] })) }
            }
            return out
        }

        func mayPair(_ a: Int, _ b: Int) -> Bool {
            if vague[a] != vague[b] { return false }
            if department[a] != department[b] && (conditional[a] || conditional[b]) { return false }
            if requireSameTarget && target[a] != target[b] && !(joint[a] && joint[b]) { return false }
            return true
        }
    }

    func record(_ s: Double, _ i: Int, _ j: Int, in scores: inout PairScores) {
        scores.sims[i * scores.count + j] = Float(s)
        if s >= groupThreshold * linkageFloor { scores.edges.append(ScoredPair(score: s, i: i, j: j)) }
        if s >= suggestionFloor && s < groupThreshold { scores.near.append(ScoredPair(score: s, i: i, j: j)) }
    }

    /// Greedy average linkage over edges, strongest first: two groups merge when their average
    /// similarity reaches the threshold and no pair falls below the floor (no chaining).
    func link(_ scores: PairScores) -> (groupOf: [Int], members: [Int: [Int]]) {
        let edges = scores.edges.sorted { $0.score != $1.score ? $0.score > $1.score : ($0.i, $0.j) < ($1.i, $1.j) }
        var groupOf = Array(0..<scores.count)
        var members: [Int: [Int]] = Dictionary(uniqueKeysWithValues: (0..<scores.count).map { ($0, [$0]) })
        for e in edges {
            let ga = groupOf[e.i], gb = groupOf[e.j]
            guard ga != gb, let a = members[ga], let b = members[gb] else { continue }
            var total = 0.0, minimum = 1.0
            for x in a { for y in b { let s = scores.sim(x, y); total += s; minimum = min(minimum, s) } }
            guard total / Double(a.count * b.count) >= groupThreshold, minimum >= groupThreshold * linkageFloor else { continue }
            let (keep, drop) = ga < gb ? (ga, gb) : (gb, ga)
            members[keep] = (members[keep] ?? []) + (members[drop] ?? [])
            members[drop] = nil
            for x in members[keep]! { groupOf[x] = keep }
        }
        return (groupOf, members)
    }

    /// Groups of two or more, each with its mean pair similarity and its surest pair's reason.
    func collectGroups(_ members: [Int: [Int]], scores: PairScores, reqs: [Features], keyNames: [String]) -> Grouping {
        var groups: [Analysis.Group] = []
        for key in members.keys.sorted() {
            guard let m = members[key], m.count > 1 else { continue }
            var total = 0.0, pairs = 0
            // The first surest pair gives the reason, worded once at the end.
            var best = (score: -1.0, x: 0, y: 0)
            for x in m {
                for y in m where y > x {
                    let s = scores.sim(x, y); total += s; pairs += 1
                    if s > best.score { best = (s, x, y) }
                }
            }
            let why = best.score > -1 ? reason(reqs[best.x], reqs[best.y], words: keyNames) : ""
            groups.append(.init(members: m.map { reqs[$0].item.id }.sorted(), confidence: min(1, total / Double(max(pairs, 1))), reason: why))
        }
        groups.sort { $0.members[0] < $1.members[0] }
        var groupIndex: [ItemID: Int] = [:]
        for (g, group) in groups.enumerated() { for id in group.members { groupIndex[id] = g } }
        return Grouping(groups: groups, groupIndex: groupIndex, suggestions: [])
    }
}
