import DetenteModel
import Foundation

/// Whether a team could tell that an ask has been done. An ask is vague when it asks for an
/// attitude or a feeling rather than a deed: it opens with "be", a psychological verb or a bare
/// comparative ("more…, fewer…"), or names no thing to deliver. A number does not make a vague
/// ask checkable ("Be realistic about deadlines in 2025"), but a time bound on a deed does.
/// Psychological and attitude verbs follow Levin (1993), "English Verb Classes and Alternations",
/// classes 31.2 (admire-type: trust, respect, value, appreciate) and 29.9/30 (consider-type,
/// perception and cognition: understand, think, consider); abstract nouns are the attitude and
/// relation nouns of the same classes (trust, respect, understanding, collaboration, mindset).
extension Coach {
    static let psychVerbs: Set<String> = [
        "trust", "respect", "value", "appreciate", "admire", "understand", "think", "consider", "care", "accept", "listen", "recognize",
        "realize", "remember", "feel", "believe", "communicate", "collaborate", "cooperate", "engage", "behave", "act", "try",
        "improve", "relax", "treat", "see", "meet", "embrace", "learn", "grow", "become", "stay", "remain", "assume", "work", "talk"
    ]
    static let abstractNouns: Set<String> = [
        "trust", "respect", "understanding", "collaboration", "cooperation", "communication", "conversation", "attitude", "mindset",
        "culture", "sense", "flexibility", "transparency", "partnership", "partner", "empathy", "openness", "support", "help",
        "goodwill", "patience", "effort", "spirit", "relationship", "way", "bit", "lot", "thing",
        "stuff", "everything", "anything", "something", "team", "side", "department"
    ]
    static let comparatives: Set<String> = ["more", "less", "fewer", "better", "greater", "stronger", "faster", "smoother", "closer"]
    static let timeBound = try! NSRegularExpression(
        pattern: #"\b(within|by|before|every|each|per|daily|weekly|monthly|quarterly|yearly|annually|nightly|same[- ]day|no later than|at least)\b"#,
        options: [.caseInsensitive])

    /// Nil when the ask names a deed a team could check; otherwise the follow-up question.
    func vagueness(ask: Ask, text: String) -> String? {
        let followUp = "what would “done” look like, and by when? Name something the other department could show you."
        let words = ask.core.split(separator: " ").map(String.init)
        guard let first = words.first else { return followUp }
        let firstLemma = Lexicon.lemma(first)
        let concrete = ask.object.filter { !Self.abstractNouns.contains($0) && !Self.psychVerbs.contains($0) && !Self.comparatives.contains($0) }
        let bounded = Self.timeBound.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        if first == "be" || firstLemma == "be" { return followUp }
        let all = Tokens.words(text)
        // "…should be a little more flexible", "has to be everyone's responsibility": a state, not a deed.
        if all.prefix(8).contains("be") && !bounded && concrete.count < 3 { return followUp }
        // "Stop hiding behind…", "stop treating…": conduct, judged by the other side, not a deliverable.
        for (i, w) in all.enumerated().dropLast() where w == "stop" || w == "quit" {
            let next = all[i + 1]
            if next.hasSuffix("ing"), Self.psychVerbs.contains(Lexicon.lemma(next)) || ["blame", "pretend"].contains(Lexicon.lemma(next)) { return followUp }
        }
        // "Show more ownership", "keep us in the loop more": a comparative with nothing to count.
        if all.contains(where: { $0 == "more" || $0 == "better" }) && !bounded && concrete.count < 3 { return followUp }
        if Self.psychVerbs.contains(firstLemma) && (concrete.count < 2 || !bounded) { return followUp }
        if Self.comparatives.contains(first) && concrete.count < 2 { return followUp }
        if concrete.isEmpty { return followUp }
        return nil
    }
}
