import DetenteModel

/// Which wording a clause gets. The third-person rewrite ("Ops provides Dev with …") is kept only
/// when it is sound on its face and keeps what the ask said; otherwise the clause quotes the ask
/// under a commitment that still names who does it for whom ("Ops commits to Dev’s request:
/// “…”"). A garbled or shortened commitment misleads a room more than a quotation does: the
/// same precision-first rule as grouping.
enum ClauseWording {
    /// Share of the ask's content words the rewrite must keep. An ask with a sentence of context
    /// ("Right now a new one takes 6 weeks") loses it in a rewrite of its imperative, so it is quoted.
    static let minimumCoverage = 0.6

    /// One ask as a commitment, with its conditions.
    static func single(_ ask: Ask, text: String, doers: [Department], askers: [Department], together: Bool = false, casing: [String: String])
        -> String
    {
        let rewrite =
            AgreementClauseText.commitment(ask, doers: doers, askers: askers, together: together, casing: casing)
            + AgreementClauseText.conditions([ask], doers: doers, askers: askers, casing: casing)
        return isFaithful(rewrite, to: text, ask: ask) ? rewrite : quoted(text, doers: doers, askers: askers, together: together)
    }

    /// "Ops commits to Dev’s request: “…”"; "Dev and Ops together commit to: “…”".
    static func quoted(_ text: String, doers: [Department], askers: [Department], together: Bool) -> String {
        let quote = "“" + text.trimmingWhitespace() + "”"
        if together { return "\(AgreementClauseText.names(doers)) together commit to: \(quote)" }
        let verb = AgreementClauseText.thirdPerson("commit", plural: doers.count > 1)
        return "\(AgreementClauseText.names(doers)) \(verb) to \(AgreementClauseText.names(askers))’s request: \(quote)"
    }

    /// A sentence end after a clause, unless a quotation already ends one.
    static func terminated(_ text: String) -> String {
        for end in [".”", "!”", "?”", ".", "!", "?"] where text.hasSuffix(end) { return text }
        return text + "."
    }

    static func isFaithful(_ rewrite: String, to text: String, ask: Ask) -> Bool {
        !ask.statedAsFact && !asksInItsCondition(ask) && hasSoundObject(ask) && coverage(of: text, in: rewrite) >= minimumCoverage
    }

    /// "It would help a lot if Security could …": a short main clause and a long condition put the
    /// ask itself in the condition, which the rewrite would demote to a proviso.
    static func asksInItsCondition(_ ask: Ask) -> Bool {
        guard let condition = ask.condition else { return false }
        return AskParser.words(condition).count > 2 * max(2, AskParser.words(ask.core).count)
    }

    /// The words a support verb or a bare noun phrase hands over must be a noun phrase: not opening
    /// with a preposition, an auxiliary or a negation ("with on the rota", "with aren't asking"),
    /// and naming a thing (a noun, a number, or a word the lexicon does not know, such as jargon).
    static func hasSoundObject(_ ask: Ask) -> Bool {
        var words = AskParser.words(ask.core)
        while let w = words.first, Lexicon.tags(w).contains(.auxiliary) { words.removeFirst() }
        guard let first = words.first else { return false }
        let lemma = Lexicon.lemma(first)
        let isVerb = AskParser.opensWithVerb(words)
        guard !isVerb || AskParser.supportVerbs.contains(lemma) else { return true }
        if isVerb { words.removeFirst() }
        if let next = words.first, ["us", "me"].contains(next) { words.removeFirst() }
        // "No shared accounts on …" is a prohibition, not a thing to provide.
        guard let head = words.first, !prepositions.contains(head), !["no", "not", "nothing", "none"].contains(head), !head.hasSuffix("n't"),
            !Lexicon.tags(head).contains(.auxiliary)
        else { return false }
        if words.contains("be") { return false }
        if opensWithPredicativeAdjective(words) { return false }
        return words.contains { w in
            let tags = Lexicon.tags(w)
            return tags.contains(.noun) || tags.isEmpty || w.contains(where: \.isNumber)
        }
    }

    /// "more proactive about vulnerabilities", "a bit more pragmatic": an adjective with nothing
    /// to qualify asks for a disposition; "provides … with" would turn it into a thing.
    static func opensWithPredicativeAdjective(_ words: [String]) -> Bool {
        guard let i = words.firstIndex(where: { !degreeWords.contains($0) }) else { return false }
        let tags = Lexicon.tags(words[i])
        let adjective = tags.isEmpty ? adjectiveSuffixes.contains(where: words[i].hasSuffix) : tags.contains(.adjective) && !tags.contains(.noun)
        guard adjective else { return false }
        return i + 1 == words.count || prepositions.contains(words[i + 1])
    }

    /// English adjective-forming suffixes, for words the lexicon does not list ("collaborative").
    static let adjectiveSuffixes = ["ive", "ous", "ful", "able", "ible", "ic", "ical", "less"]

    /// Words of degree before an adjective ("a bit more", "far less"): English closed class.
    static let degreeWords: Set<String> = ["a", "bit", "lot", "little", "more", "less", "much", "far", "way", "slightly", "most", "very", "so", "too", "even"]

    /// Share of the ask's content words (lemmas) that the rewrite also names.
    static func coverage(of text: String, in rewrite: String) -> Double {
        let wanted = contentLemmas(text)
        guard !wanted.isEmpty else { return 1 }
        let kept = contentLemmas(rewrite)
        return Double(wanted.filter(kept.contains).count) / Double(wanted.count)
    }

    static func contentLemmas(_ text: String) -> Set<String> {
        Set(
            AskParser.words(text).compactMap { w in
                guard w.count >= 3, !AgreementDrafter.stopwords.contains(w), !AskParser.pronouns.contains(w), !politeness.contains(w),
                    !Lexicon.tags(w).contains(.auxiliary)
                else { return nil }
                return Lexicon.lemma(w)
            })
    }

    static let politeness: Set<String> = ["please", "pls", "plz", "kindly", "thanks", "thank", "cheers"]

    /// English prepositions and particles that cannot open a noun phrase (a closed class, after
    /// Quirk et al., "A Comprehensive Grammar of the English Language", ch. 9).
    static let prepositions: Set<String> = [
        "about", "above", "across", "after", "against", "along", "among", "around", "at", "before", "behind", "below", "beneath",
        "beside", "between", "beyond", "by", "during", "except", "for", "from", "in", "inside", "into", "like", "near", "of", "off",
        "on", "onto", "out", "outside", "over", "past", "since", "through", "throughout", "till", "to", "toward", "towards", "under",
        "until", "up", "upon", "via", "with", "within", "without", "than", "as", "so", "and", "or", "but", "if", "when"
    ]
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
