import DetenteModel
/// One text being searched for names: its words, what each word is on its own, and what its
/// context adds, combined as `NameEvidence` weights.
///
/// The passes run in order (`spans()`): each word's own evidence (`NameScan+OwnEvidence`), its
/// context (`NameScan+ContextEvidence`), then neighbours and lists, which can make a word a name
/// next to one (`NameScan+Neighbours`), and finally runs of names become spans.
struct NameScan {
    typealias Span = Anonymiser.Span
    typealias Word = NameDetector.Word
    typealias Weight = NameEvidence

    /// The score of a word that is no candidate at all (blocked, a place, a thing, a compound);
    /// no context raises it to a name.
    static let ruledOut = -10.0

    let text: String
    let t: ScalarText
    let words: [Word]
    let roster: RosterIndex
    /// Spans found by the pattern detector: their words are no names.
    let taken: [Span]
    /// The employee ids among `taken`: a name in brackets beside one is a person's.
    let idSpans: [Span]
    /// Words inside a place name of several words ("São Paulo", "Ras Al Khaimah", "La Paz");
    /// empty when the text has none.
    let placeWords: [Bool]
    /// Each word's roster person, looked up once.
    let rosterKeys: [String?]

    /// The roster person each word refers to, as far as known.
    var person: [String?]
    /// The rule that made each word a name, for the author's explanation.
    var rule: [String]
    /// Evidence from the word itself (`ruledOut` for no candidate).
    var base: [Double]
    /// `base` plus the word's context.
    var total: [Double] = []
    /// The verdict per word after neighbours and lists.
    var isName: [Bool] = []

    init(text: String, scalars t: ScalarText, words: [Word], roster: RosterIndex, taken: [Span]) {
        self.text = text
        self.t = t
        self.words = words
        self.roster = roster
        self.taken = taken
        idSpans = taken.filter { $0.kind == .employeeID }
        person = [String?](repeating: nil, count: words.count)
        rule = [String](repeating: "", count: words.count)
        base = [Double](repeating: Self.ruledOut, count: words.count)
        placeWords = NameDetector.placePhraseWords(words) { [t] i, j in Self.adjacent(words, t, i, j) }
        rosterKeys = words.map { w in
            if let k = roster.person(forToken: w.folded) { return k }
            guard w.hyphenated else { return nil }
            return w.folded.split(separator: "-").lazy.compactMap { roster.person(forToken: String($0)) }.first
        }
    }

    /// Runs every pass; the spans of people's names, in text order.
    mutating func spans() -> [Span] {
        for i in words.indices where !blocked(i) { scoreOnItsOwn(i) }
        total = base
        for i in words.indices where isCandidate(i) { addContextEvidence(i) }
        isName = total.map { $0 >= NameDetector.threshold }
        markLoginNames()
        markFullNames()
        markNeighboursOfNames()
        markListedNames()
        return nameRuns()
    }

    /// A login name written without "@" ("the on-call was jmartinez", "ask ptanaka"): a lowercase
    /// word that is an initial and a surname of five letters or more (`Gazetteer.isInitialAndSurname`),
    /// right after a word that introduces a person. Everyday words that happen to split that way
    /// ("bridge", "stack") seldom follow such a word.
    mutating func markLoginNames() {
        for i in words.indices.dropFirst() where !isName[i] && !words[i].capitalised && words[i].folded.count >= 6 {
            guard Self.personIntroducers.contains(words[i - 1].folded), adjacent(i - 1, i), !blocked(i),
                words[i].folded.utf8.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }), Gazetteer.isInitialAndSurname(words[i].folded)
            else { continue }
            isName[i] = true
            rule[i] = "name (login name: an initial and a surname)"
        }
    }

    static let personIntroducers: Set<String> = [
        "was", "is", "by", "cc", "ask", "asked", "ping", "pinged", "paged", "called", "emailed", "messaged", "thanks", "user", "login",
        "username", "assignee", "owner", "@"
    ]

    // MARK: - where words stand

    /// Whether pass one left the word a candidate (evidence for or against, but not ruled out).
    func isCandidate(_ i: Int) -> Bool { base[i] > Self.ruledOut }

    func blocked(_ i: Int) -> Bool { taken.contains { $0.range.overlaps(words[i].range) } }

    /// Whether only spaces separate word `i` from word `j` (`i` before `j`).
    func adjacent(_ i: Int, _ j: Int) -> Bool { Self.adjacent(words, t, i, j) }

    static func adjacent(_ words: [Word], _ t: ScalarText, _ i: Int, _ j: Int) -> Bool {
        let from = words[i].end, to = words[j].start
        guard from < to else { return false }
        for k in from..<to where t.scalars[k] != " " { return false }
        return true
    }

    /// The adjacent word after `i`, if any.
    func next(_ i: Int) -> Word? { i + 1 < words.count && adjacent(i, i + 1) ? words[i + 1] : nil }

    /// The adjacent word before `i`, if any.
    func prev(_ i: Int) -> Word? { i > 0 && adjacent(i - 1, i) ? words[i - 1] : nil }

    static func isWord(_ f: String) -> Bool { Gazetteer.classify(f).isEverydayWord }
}
