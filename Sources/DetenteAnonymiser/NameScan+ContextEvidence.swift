import DetenteModel
/// Pass two: what the words around a candidate add — possessives, verbs people do, cue words,
/// titles, signatures, speaker labels and employee ids beside it.
extension NameScan {
    /// Adds the context of candidate `i` to `total[i]`; a rule that explains better replaces `rule[i]`.
    mutating func addContextEvidence(_ i: Int) {
        addCueEvidence(i)
        addLabelEvidence(i)
    }

    /// Words before and after the candidate: possessives, verbs, cue words, "from the vendor".
    mutating func addCueEvidence(_ i: Int) {
        let w = words[i]
        if possessive(i) { total[i] += person[i] != nil && !w.capitalised ? Weight.possessiveOfLowercaseRosterName : Weight.possessive }
        if !w.capitalised, person[i] == nil, w.isName, !w.isEverydayWord, !w.isWork, lowercasePersonalContext(i) {
            total[i] += Weight.lowercaseInPersonalContext; rule[i] = "name (lowercase, in a personal context)"
        }
        // "Today Robin pastes them": a participant's name as the subject of a verb.
        if person[i] != nil, w.capitalised, let n = next(i), !n.capitalised, n.folded.count > 3, n.folded.hasSuffix("s"),
            !n.folded.hasSuffix("ss"), !n.lexical.contains(.thingContinuation)
        {
            total[i] += Weight.rosterNameBeforeAVerb
        }
        if let n = next(i), n.lexical.contains(.cueAfter), w.capitalised || person[i] != nil {
            total[i] += n.folded == "and" || n.folded == "or" ? Weight.beforeAConjunction : Weight.beforeAPersonVerb
        }
        // The word before, adjacent or not ("ask, Priya").
        if i > 0, words[i - 1].lexical.contains(.cueBefore) {
            total[i] += Weight.afterACue
            if words[i - 1].lexical.contains(.contactCue), w.capitalised { total[i] += Weight.afterContactVerb }
        }
        // "According to Bjørn, …": the source of a statement, like a verb of contacting.
        if i >= 2, w.capitalised, words[i - 2].folded == "according", words[i - 1].folded == "to" {
            total[i] += Weight.afterACue + Weight.afterContactVerb
        }
        // "Grace from the vendor", "Mark from Networking": a given name introduced by where the person is from.
        if w.capitalised, w.lexical.contains(.givenName), !w.isWork, let n = next(i), n.folded == "from", fromAnOrganisation(i + 1) {
            total[i] += Weight.givenNameFromSomewhere
        }
    }

    /// Marks that label a person: employee ids, a later "she", titles, honorifics, signatures,
    /// speaker labels. Each sets the rule it proves.
    mutating func addLabelEvidence(_ i: Int) {
        let w = words[i]
        if w.capitalised, idBefore(i) || idAfter(i) {
            total[i] += Weight.besideID; rule[i] = "name (beside an employee id)"
        }
        if w.capitalised, w.sentenceStart, !w.isEverydayWord, !w.isWork, let n = next(i), n.lexical.contains(.cueAfter),
            n.folded != "and", n.folded != "or", referredBack(i)
        {
            total[i] += Weight.referredToAsPerson
            if rule[i].isEmpty || rule[i] == "name (context)" { rule[i] = "name (referred to as a person)" }
        }
        if i > 0, words[i - 1].lexical.contains(.honorific), adjacent(i - 1, i), w.capitalised {
            total[i] += Weight.titleOrSignature; rule[i] = "name (after a title)"
        }
        if honorificFollows(w.end) {
            total[i] += Weight.titleOrSignature; rule[i] = "name (before an honorific)"
        }
        if isSignature(w), w.capitalised { total[i] += Weight.titleOrSignature; rule[i] = "name (signature)" }
        if w.capitalised, !w.isEverydayWord, !w.isWork, isSpeakerLabel(w) {
            total[i] += Weight.speakerLabel; rule[i] = "name (speaker label)"
        }
    }
}
