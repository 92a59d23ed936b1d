import DetenteModel
import Foundation

/// How strongly two parsed asks are the same ask: the same action on the same object for the
/// same department, weighted by how specific the shared object words are in this workshop.
/// Precision first: a shared topic alone ("patching", "rota") is not enough.
enum AskEvidence {
    /// The object's lemmas, and the specific concepts the ask names (prefixed "c:"), as keys.
    static func keys(of ask: Ask) -> [String] { keys(of: ask, coreStems: Stemmer.stems(ask.core)) }

    /// The same, given `Stemmer.stems(ask.core)` (the drafter remembers stems per draft).
    static func keys(of ask: Ask, coreStems: [String]) -> [String] {
        let concepts = ConceptLexicon.concepts(in: coreStems).filter {
            let c = ConceptLexicon.concepts[$0]
            return !c.vague && !ConceptLexicon.broad.contains(c.id)
        }
        return ask.object + concepts.map { "c:" + ConceptLexicon.concepts[$0].id }
    }

    /// Rarer keys say more (inverse document frequency over the workshop's requirements).
    static func weight(documentFrequency df: Int, documents n: Int) -> Double {
        log(1 + Double(max(n, 1)) / Double(max(df, 1)))
    }

    /// Confidence in [0, 1] that `a` and `b` are one ask; 0 when they share no object key.
    /// Called for every pair sharing a key, so it allocates nothing.
    static func confidence(_ a: AgreementDrafter.Features, _ b: AgreementDrafter.Features, weights: [Double]) -> Double {
        confidence(a, b, weights: weights, askWeights: (keyWeight(a.keys, weights: weights), keyWeight(b.keys, weights: weights)))
    }

    /// The summed weight of an ask's keys, in key order.
    static func keyWeight(_ keys: [Int32], weights: [Double]) -> Double { keys.reduce(0.0) { $0 + weights[Int($1)] } }

    /// The same, with each ask's `keyWeight` computed once per draft rather than once per pair.
    static func confidence(_ a: AgreementDrafter.Features, _ b: AgreementDrafter.Features, weights: [Double], askWeights: (Double, Double)) -> Double {
        if a.vague != b.vague { return 0 }
        let crossDepartment = a.item.department != b.item.department
        if crossDepartment && (a.conditional || b.conditional) { return 0 }
        guard let ws = sharedWeight(a.keys, b.keys, weights: weights) else { return 0 }
        let (wa, wb) = askWeights
        let coverage = ws / max(0.001, min(wa, wb))
        let dice = 2 * ws / max(0.001, wa + wb)
        let objectScore = 0.5 * coverage + 0.5 * dice
        // Two asks without an action verb both ask to be given something ("a read-only log view").
        let actions = (a.actionKey, b.actionKey)
        let actionFactor: Double
        if actions.0 == actions.1 {
            actionFactor = 1
        } else if let x = actions.0, b.keys.contains(x) {
            actionFactor = 0.9
        }  // "automate patching" ~ "automated patch deployment"
        else if let y = actions.1, a.keys.contains(y) {
            actionFactor = 0.9
        } else if actions.0 == nil || actions.1 == nil {
            actionFactor = 0.8
        } else {
            actionFactor = 0.55
        }
        let joint = a.joint && b.joint
        let targetFactor = a.item.target == b.item.target || joint ? 1 : 0.6
        let crossFactor = crossDepartment && !joint ? 0.9 : 1
        // The head of the object (its first content word) names what is asked for; asks that
        // share only modifiers or context ("put a developer on the rota" / "put a manager on
        // the rota") are different asks.
        let inBoth = { (h: String) in a.ask.object.contains(h) && b.ask.object.contains(h) }
        let headShared = a.ask.object.first.map(inBoth) == true || b.ask.object.first.map(inBoth) == true
        let headFactor = headShared ? 1 : 0.75
        var confidence = objectScore * actionFactor * targetFactor * crossFactor * headFactor
        // Vague wishes are compared on too few words to decide alone: at most a suggestion.
        if a.vague { confidence = min(confidence, 0.45) }
        return min(1, max(0, confidence))
    }

    /// The summed weight of the keys both sorted lists hold, added in key order (as the sum over
    /// `sharedKeys` would be); nil when they share none.
    static func sharedWeight(_ a: [Int32], _ b: [Int32], weights: [Double]) -> Double? {
        var i = 0, j = 0, shared = 0
        var total = 0.0
        while i < a.count && j < b.count {
            if a[i] == b[j] { total += weights[Int(a[i])]; shared += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return shared > 0 ? total : nil
    }

    static func sharedKeys(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var i = 0, j = 0
        var out: [Int32] = []
        while i < a.count && j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }
}
