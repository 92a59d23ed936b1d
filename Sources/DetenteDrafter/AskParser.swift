import DetenteModel
/// The parts of one requirement: what is to be done (action), to what (object), for whom
/// (beneficiary) and on which condition. Grouping and trades compare these parts, not bags of words.
public struct Ask: Sendable, Equatable {
    /// Lemma of the main verb in American spelling; nil when the ask is a bare noun phrase
    /// ("Release notes, please") or its verb only carries the object ("give", "provide").
    public var action: String?
    /// Lemmas of the content words of what is asked for, in text order, without repeats.
    public var object: [String]
    /// Who gains, when the ask names someone ("for the on-call engineer", "give us").
    public var beneficiary: String?
    /// The condition as written ("if the freeze is shorter"), without its leading comma.
    public var condition: String?
    /// The main clause as written, with leading politeness and modals removed ("please could you").
    public var core: String
    /// A negative ask ("Don't…", "Never…") or one to stop a conduct ("Stop…"), said before the core.
    public var negation: Negation? = nil
    /// The asker wants to act itself ("we need to restart…", "let us deploy"): the other side allows it.
    public var askerActs = false
    /// The core follows a subject and no word of asking ("We submit on Friday, …"): a statement of
    /// how things are, which a rewrite as an imperative would misread.
    public var statedAsFact = false

    public enum Negation: Sendable, Equatable { case never, stop }
}

/// A small rule-based chunker: splits an ask at condition words and clause punctuation, skips the
/// politeness and modal prefix, takes the first verb as the action and the content words after it
/// as the object. Parts of speech come from `Lexicon` (LemmInflect); the closed-class word lists
/// below are English grammar (modals, pronouns, subordinators), not workshop vocabulary.
public enum AskParser {
    /// Subordinators that open a condition (Quirk et al., conditional and temporal clauses).
    static let conditionOpeners: Set<String> = ["if", "unless", "when", "whenever", "once", "provided", "providing", "until", "before", "after"]
    /// Multi-word condition openers, as word sequences.
    static let conditionPhrases: [[String]] = [["as", "long", "as"], ["in", "return"], ["in", "exchange"], ["only", "when"], ["on", "condition"]]
    /// Purpose clauses say why, not what: they end the object ("so that", "so we can", "in order to").
    static let purposeOpeners: [[String]] = [["so", "that"], ["so", "we"], ["so", "you"], ["so", "they"], ["so", "the"], ["in", "order"], ["because"], ["otherwise"], ["or", "else"]]
    /// Words before the action that only make the ask polite or modal.
    static let prefix: Set<String> = [
        "please", "pls", "plz", "kindly", "could", "would", "can", "will", "should", "shall", "must", "may", "might", "you", "we", "i",
        "they", "it", "need", "needs", "want", "wants", "like", "to", "just", "really", "honestly", "maybe", "perhaps", "also", "always",
        "let's", "lets", "me", "able", "we'll", "i'll", "you'll", "they'll", "we'd", "i'd", "you'd", "we're", "are", "is", "do", "don't", "ideally", "then",
        "actually", "simply", "at", "least", "start", "starting", "begin", "stop", "going", "forward", "from", "now", "on", "asap"
    ]
    /// Verbs that hand over their object rather than name an action (support verbs).
    static let supportVerbs: Set<String> = [
        "give", "get", "provide", "have", "make", "let", "allow", "need", "want", "offer", "put", "take", "bring",
        "send", "ensure", "enable", "grant", "require"
    ]
    static let pronouns: Set<String> = [
        "us", "we", "our", "ours", "you", "your", "yours", "them", "they", "their", "me", "my", "it", "its",
        "him", "her", "his", "this", "that", "these", "those", "everyone", "anyone", "someone", "somebody"
    ]

    public static func parse(_ text: String) -> Ask {
        let clauses = clauseWords(text)
        var condition: [String] = []
        var main: (words: [String], said: ArraySlice<String>) = ([], [])
        var imperative: (words: [String], said: ArraySlice<String>) = ([], [])
        for clause in clauses {
            let (body, cond) = splitCondition(clause)
            if !cond.isEmpty && condition.isEmpty { condition = cond }
            let stripped = Array(body.drop(while: { prefix.contains($0) || Coach.groupSubjects.contains($0) || ($0 == "never" && body.first == $0) }))
            let said = body.prefix(body.count - stripped.count)
            let negated = body.contains { $0.hasSuffix("n't") || $0 == "not" }
            if main.words.isEmpty && !stripped.isEmpty { main = (stripped, said) }
            // The ask is the first clause opening with a verb and not negated ("We don't need
            // admin. Let us see the messages"); a sentence of context before it is not the ask.
            if imperative.words.isEmpty, !negated, let first = stripped.first, opensWithVerb(stripped),
                !supportVerbs.contains(Lexicon.lemma(first)) || stripped.count > 2
            {
                imperative = (stripped, said)
            }
        }
        let chosen = imperative.words.isEmpty ? main : imperative
        var core = chosen.words
        if core.first == "be", core.dropFirst().first == "able" {  // "be able to restart" asks to restart
            core.removeFirst(2)
            if core.first == "to" { core.removeFirst() }
        }
        let said = chosen.said
        let negation: Ask.Negation? =
            said.contains { $0 == "stop" || $0 == "quit" }
            ? .stop
            : said.contains { $0 == "never" || $0 == "don't" || $0 == "not" } ? .never : nil
        let askerActs = said.contains { ["we", "i", "we'd", "i'd"].contains($0) } && said.contains { ["need", "needs", "want", "able", "like"].contains($0) }
        let statedAsFact = said.contains { subjects.contains($0) } && !said.contains { askingWords.contains($0) }
        var action: String?
        var objectWords = core
        var beneficiary: String?
        if let first = core.first, opensWithVerb(core) {
            let lemma = Lexicon.lemma(first)
            objectWords = Array(core.dropFirst())
            if supportVerbs.contains(lemma) {
                // "Give us X", "let us deploy X": the beneficiary follows, then the real action if any.
                if let next = objectWords.first, ["us", "me", "you", "them"].contains(next) { beneficiary = next; objectWords.removeFirst() }
                if lemma == "let" || lemma == "allow", let verb = objectWords.first, Lexicon.tags(verb).contains(.verb), !Lexicon.tags(verb).contains(.noun) {
                    action = Lexicon.lemma(verb); objectWords.removeFirst()
                }
            } else {
                action = lemma
            }
        }
        if let i = objectWords.firstIndex(of: "for"), i + 1 < objectWords.count, beneficiary == nil {
            beneficiary = objectWords[(i + 1)...].first { !["the", "a", "an", "every", "each", "all"].contains($0) }
        }
        return Ask(
            action: action, object: contentLemmas(objectWords), beneficiary: beneficiary,
            condition: condition.isEmpty ? nil : condition.joined(separator: " "), core: core.joined(separator: " "),
            negation: negation, askerActs: askerActs, statedAsFact: statedAsFact)
    }

    /// Subject pronouns, and the words that turn "we …" / "you …" into an ask (modals, wanting,
    /// politeness): English grammar, closed classes.
    static let subjects: Set<String> = ["we", "i", "they", "you", "it"]
    static let askingWords: Set<String> = [
        "need", "needs", "want", "wants", "like", "able", "could", "would", "can", "should", "shall", "must", "may", "might", "will",
        "please", "pls", "plz", "kindly", "we'd", "i'd", "you'd", "we'll", "i'll", "you'll", "let's", "lets", "never", "don't", "stop", "to"
    ]

    /// Content words of an object phrase as lemmas: nouns, adjectives and words the lexicon does
    /// not know (jargon, acronyms); closed-class words and purpose clauses dropped.
    static func contentLemmas(_ words: [String]) -> [String] {
        var out: [String] = []
        for w in words {
            if w.hasSuffix("n't") || w.hasSuffix("'re") || w.hasSuffix("'ve") || w.hasSuffix("'ll") { continue }
            let w = w.hasSuffix("'s") ? String(w.dropLast(2)) : w
            if pronouns.contains(w) || AgreementDrafter.stopwords.contains(w) || w.count < 3 || Tokens.isAllNumbers(w) { continue }
            let info = Lexicon.info(w)
            // Adverbs ("first", "forward", "away") say how or when, not what.
            if info.tags.contains(.adverb) || info.tags.contains(.auxiliary) { continue }
            let lemma = info.correctedNounLemma
            if !out.contains(lemma) { out.append(lemma) }
        }
        return out
    }

    static let clauseBreaks: Set<Unicode.Scalar> = [",", ";", "!", "?", "(", ")", "—", "–"]

    /// Words per clause: sentences end at . ! ? ; : and a dash; a comma or parenthesis ends a clause too.
    static func clauseWords(_ text: String) -> [[String]] {
        asciiClauseWords(text) ?? scalarClauseWords(text)
    }

    /// `clauseWords` for any text, scalar by scalar (the reference for the ASCII path).
    static func scalarClauseWords(_ text: String) -> [[String]] {
        var clauses: [[String]] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, ch) in scalars.enumerated() {
            // "08:00" and "v1.2" stay one word; a colon or full stop before a space ends a clause.
            let next = i + 1 < scalars.count ? scalars[i + 1] : " "
            let beforeSpace = next.isASCII ? (next == " " || next == "\n" || next == "\t" || next == "\r") : next.properties.isWhitespace
            if clauseBreaks.contains(ch) || ((ch == "." || ch == ":") && beforeSpace) {
                clauses.append(scalarWords(String(current))); current = String.UnicodeScalarView()
            } else {
                current.append(ch)
            }
        }
        clauses.append(scalarWords(String(current)))
        return clauses.filter { !$0.isEmpty }
    }

    /// `Tokens.words`, except that a time or version ("10:00", "v1.2": a colon or full stop between
    /// two digits) stays one word, so a clause keeps "by 10:00" instead of "by 10 00".
    static func words(_ text: String) -> [String] {
        var text = text
        let ascii = text.withUTF8 { bytes -> [String]? in bytes.allSatisfy { $0 < 0x80 } ? asciiWords(bytes) : nil }
        return ascii ?? scalarWords(text)
    }

    /// `words` for any text, scalar by scalar (the reference for the ASCII path).
    static func scalarWords(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).flatMap { chunk -> [String] in
            let isWordScalar = { (c: Unicode.Scalar) in c.properties.isAlphabetic || c.properties.numericType != nil }
            let scalars = chunk.unicodeScalars
            guard let first = scalars.firstIndex(where: isWordScalar), let last = scalars.lastIndex(where: isWordScalar) else { return [] }
            let core = String(scalars[first...last])
            return keepsSeparatorsBetweenDigits(core) ? [core.lowercased()] : Tokens.words(String(chunk))
        }
    }

    private static func keepsSeparatorsBetweenDigits(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        var kept = false
        for (i, c) in scalars.enumerated() where c == ":" || c == "." {
            guard i > 0, i + 1 < scalars.count, scalars[i - 1].properties.numericType != nil, scalars[i + 1].properties.numericType != nil else { return false }
            kept = true
        }
        // "08:00-11:00" is one span of times.
        return kept && scalars.allSatisfy { $0 == ":" || $0 == "." || $0 == "-" || $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    /// Splits a clause at its first condition opener or purpose clause: the words before are the
    /// ask, the condition's words are returned apart, a purpose is dropped.
    static func splitCondition(_ words: [String]) -> (body: [String], condition: [String]) {
        for i in words.indices {
            // "once a month", "once per sprint" give a frequency, not a condition.
            let frequency = words[i] == "once" && i + 1 < words.count && ["a", "an", "per", "every", "in", "more", "again", "or"].contains(words[i + 1])
            if !frequency && (conditionOpeners.contains(words[i]) || opens(words, at: i, oneOf: conditionPhrases, firstWords: conditionPhraseStarts)) {
                let end = words[i...].indices.first { j in j > i && opensPurpose(words, at: j) } ?? words.count
                return (Array(words[..<i]), Array(words[i..<end]))
            }
            if opensPurpose(words, at: i) { return (Array(words[..<i]), []) }
        }
        return (words, [])
    }

    /// The first words of the phrases, so most words are ruled out by one set look-up.
    static let conditionPhraseStarts = Set(conditionPhrases.compactMap(\.first))
    static let purposeStarts = Set(purposeOpeners.compactMap(\.first))

    static func opensPurpose(_ words: [String], at i: Int) -> Bool { opens(words, at: i, oneOf: purposeOpeners, firstWords: purposeStarts) }

    /// Whether one of `phrases` starts at `i`; `firstWords` are their first words.
    static func opens(_ words: [String], at i: Int, oneOf phrases: [[String]], firstWords: Set<String>) -> Bool {
        firstWords.contains(words[i]) && phrases.contains { starts(words, at: i, with: $0) }
    }

    static let determiners: Set<String> = [
        "the", "a", "an", "us", "our", "your", "all", "every", "each", "it", "them", "this", "that", "these",
        "those", "some", "any", "no", "to", "in", "on", "up", "down", "out", "off", "me", "my", "their", "one"
    ]

    /// An imperative opens with a verb; a word that is also an adjective before a noun opens a
    /// noun phrase instead ("joint retro every 8 weeks", not "to joint").
    static func opensWithVerb(_ words: [String]) -> Bool {
        guard let first = words.first else { return false }
        if first == "be" { return true }
        let info = Lexicon.info(first), tags = info.tags
        // An imperative is the base form: "changes come from…" and "security included" are not asks to do.
        guard tags.contains(.verb), !tags.contains(.auxiliary) || first == "be", info.lemma == info.american else { return false }
        if tags.contains(.adjective), words.count > 1, !determiners.contains(words[1]) { return false }
        return true
    }

    /// A statement rather than an imperative or a bare noun phrase: a modal or a verb-only word
    /// after the first ("changes come from source control", "hand edits have to stop").
    static func isDeclarative(_ words: [String]) -> Bool {
        if let first = words.first, ["nobody", "everyone", "everybody", "no-one", "none", "every", "each", "all", "nothing"].contains(first) { return true }
        return words.dropFirst().contains { w in
            [
                "should", "must", "have", "has", "need", "needs", "will", "is", "are", "was", "were", "get", "gets", "can", "cannot", "doesn't",
                "don't", "isn't", "aren't", "come", "comes", "go", "goes"
            ].contains(w)
        }
    }

    static func starts(_ words: [String], at i: Int, with phrase: [String]) -> Bool {
        i + phrase.count <= words.count && words[i..<i + phrase.count].elementsEqual(phrase)
    }
}
