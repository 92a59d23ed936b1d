import DetenteModel
/// Pass one: what each word is on its own — a roster name, a nickname, a gazetteer name, an
/// unknown capitalised word — and what its capitals and the thing words beside it say.
extension NameScan {
    /// Scores word `i` into `base`, `person` and `rule`, or leaves it `ruledOut`.
    mutating func scoreOnItsOwn(_ i: Int) {
        guard !isRuledOut(i), let own = ownEvidence(i) else { return }
        if let key = own.person { person[i] = key }
        base[i] = own.score + capitalEvidence(i) + thingEvidence(i)
        rule[i] = own.rule
    }

    /// Whether word `i` cannot be a name at all: too short, a title, jargon casing, part of a
    /// compound, a place, a ship prefix's vessel, or a compound of everyday words.
    func isRuledOut(_ i: Int) -> Bool {
        let w = words[i]
        let f = w.folded
        if w.length < 2 || f == "i" || w.lexical.contains(.honorific) || (w.allCaps && rosterKeys[i] == nil) || mixedCase(w) { return true }
        if inCompound(i) { return true }
        if !placeWords.isEmpty, placeWords[i] { return true }
        if w.lexical.contains(.properAdjective), rosterKeys[i] == nil { return true }
        // "conta de luz", "la paz": a lowercase phrase after a particle is no one's name.
        if !w.capitalised, i >= 2, words[i - 1].lexical.contains(.particle), !words[i - 1].capitalised, adjacent(i - 1, i),
            !words[i - 2].capitalised, !words[i - 2].isName
        {
            return true
        }
        // "MV Kauri", "HMS Belfast": a vessel, named after whoever it was.
        if let p = previousIndex(i), words[p].allCaps, words[p].lexical.contains(.shipPrefix) { return true }
        // "Busan", "Tromsø": a place that is no name at all; "in Lima": a place named like a person.
        if w.lexical.contains(.place), rosterKeys[i] == nil, !w.isName || inPlaceContext(i) { return true }
        if w.lexical.contains(.place), rosterKeys[i] != nil, inPlaceContext(i) { return true }
        // "long-running", "round-robin": a lowercase compound is a word, whatever its parts.
        if !w.capitalised, w.hyphenated, roster.person(forToken: f) == nil { return true }
        // "Allow-list", "Follow-up": a capitalised compound of everyday words is a word too.
        if w.hyphenated, rosterKeys[i] == nil, f.split(separator: "-").allSatisfy({ Self.isWord(String($0)) }) { return true }
        return false
    }

    /// What a word is by itself, and whose name it is if the roster knows.
    struct OwnEvidence {
        var score: Double
        var rule: String
        var person: String?
    }

    /// The first of: a roster name, a roster nickname, a gazetteer name, an unknown capitalised
    /// word, a hyphenated given name, a word beside an employee id; nil for none of these.
    func ownEvidence(_ i: Int) -> OwnEvidence? {
        let w = words[i]
        let f = w.folded
        if let key = rosterKeys[i] {
            // A participant named like a tool ("Travis", "Ruby") is still a participant
            // unless the tool's own words follow ("Travis CI"), which `thingEvidence` checks.
            let ambiguousWord = w.isEverydayWord || w.isWork
            let score = w.isWork ? Weight.rosterNameThatIsATool : ambiguousWord ? Weight.rosterNameThatIsAWord : Weight.rosterName
            return OwnEvidence(score: score, rule: "roster name", person: key)
        }
        if !w.isEverydayWord, let key = roster.nicknamePerson(f), w.capitalised {
            let score = roster.nicknames[f] != nil ? Weight.rosterNickname : Weight.rosterShortForm
            return OwnEvidence(score: score, rule: "nickname of a roster name", person: key)
        }
        if w.isName || w.hyphenated && f.split(separator: "-").contains(where: { Gazetteer.isName(String($0)) }) {
            var score = w.isEverydayWord ? Weight.gazetteerNameThatIsAWord : Weight.gazetteerName
            // At a sentence start capitals say nothing, but a name no dictionary knows as a word still is one.
            if w.capitalised, w.sentenceStart, !w.isEverydayWord, !w.isWork, !w.lexical.contains(.place) { score += Weight.nameAtSentenceStart }
            if w.lexical.contains(.place), w.capitalised { score += Weight.placeAlsoName }
            return OwnEvidence(score: score, rule: "name (gazetteer)")
        }
        let previous = previousIndex(i)
        if w.capitalised && !w.isEverydayWord && (f.count >= 3 || previous.map { words[$0].capitalised && words[$0].isName } ?? false) {
            return OwnEvidence(score: Weight.unknownCapitalised, rule: "name (context)")
        }
        if w.capitalised, w.hyphenated, f.split(separator: "-").allSatisfy({ $0.count <= 4 && !Self.isWord(String($0)) }) {
            return OwnEvidence(score: Weight.hyphenatedGivenName, rule: "name (hyphenated given name)")  // "Seo-yeon", "Min-jun"
        }
        if w.capitalised, idBefore(i) {
            // "(Oh Seung-woo)" after an id: even a word is part of the name there.
            return OwnEvidence(score: Weight.unknownCapitalised, rule: "name (beside an employee id)")
        }
        return nil
    }

    /// Capitals: lowercase counts against all but a roster name that is no everyday word;
    /// capitals in mid-sentence count for. Needs `person[i]` from `ownEvidence`.
    func capitalEvidence(_ i: Int) -> Double {
        let w = words[i]
        if !w.capitalised {
            // Lowercase: only a roster name that is not an everyday word ("kavitha", "rohan").
            if person[i] == nil || w.isEverydayWord { return Weight.lowercase }
            return w.isWork ? Weight.lowercaseRosterTool : 0
        }
        guard !w.sentenceStart else { return 0 }
        // Mid-sentence capitals mark a name; for a participant's name that is also a word
        // ("then Memory.") they are the main evidence.
        return person[i] != nil ? Weight.midSentenceCapitalOfRosterName : Weight.midSentenceCapital
    }

    /// Evidence that the word names a tool, product or test account rather than a person.
    func thingEvidence(_ i: Int) -> Double {
        let w = words[i]
        var score = 0.0
        if w.isWork && person[i] == nil {
            // "Sunday Eze": a name that is also a weekday or tool, followed by another name.
            let beforeName = next(i).map { $0.capitalised && $0.isName && !$0.isWork } ?? false
            score += beforeName && w.isName ? Weight.toolWordBeforeAName : Weight.toolWord
        }
        if let n = next(i), n.lexical.contains(.thingContinuation) { score += Weight.beforeAThingWord }
        if person[i] == nil, describedAsAThing(i) { score += Weight.beforeAThingWord }
        if w.folded.hasPrefix("test") { score += Weight.testAccount }
        // "Google Doc", "Azure Boards": a word right after a product name is part of that product.
        if person[i] == nil, let p = previousIndex(i), words[p].capitalised, words[p].isWork, !words[p].isName { score += Weight.afterAProductName }
        if person[i] == nil, let p = previousIndex(i), words[p].lexical.contains(.toolVerb) { score += Weight.afterToolVerb }
        // "our Ruby scripts", "the Jenkins job": a determiner before it makes it a thing.
        if i > 0, adjacent(i - 1, i), words[i - 1].lexical.contains(.determiner) { score += Weight.afterADeterminer }
        return score
    }

    /// The adjacent word before `i`, by index: copying `Word`s costs retains on this hot path.
    func previousIndex(_ i: Int) -> Int? { i > 0 && adjacent(i - 1, i) ? i - 1 : nil }
}
