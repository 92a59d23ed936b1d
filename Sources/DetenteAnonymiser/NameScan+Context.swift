import DetenteModel
/// What the words around a word say about it: places, things, people, teams and employee ids.
extension NameScan {
    /// "in Lima", "Prague, Wrocław and Milan": a preposition of place, or a list with a place.
    func inPlaceContext(_ i: Int) -> Bool {
        guard i > 0 else { return false }
        let p = words[i - 1]
        if adjacent(i - 1, i), NameDetector.placePrepositions.contains(p.folded) { return true }
        guard p.folded == "and" || p.folded == "or" || t[words[i].start - 2] == ",", i >= 2 else { return false }
        let other = p.folded == "and" || p.folded == "or" ? words[i - 2] : p
        return other.capitalised && other.lexical.contains(.place)
    }

    /// "messaging ami", "ask rohan", "rohan from Support", "sunita from the platform team".
    func lowercasePersonalContext(_ i: Int) -> Bool {
        if let p = prev(i), p.lexical.contains(.contactCue) { return true }
        guard let n = next(i), n.folded == "from", i + 2 < words.count, adjacent(i + 1, i + 2) else { return false }
        return words[i + 2].capitalised || fromAnOrganisation(i + 1)
    }

    /// "Luna, the chat bot, …", "Victor, our old CMDB": an apposition that calls the word a thing;
    /// "Felix is the log shipper", "Oscar was our old monitoring tool": a copula, a determiner, a thing.
    func describedAsAThing(_ i: Int) -> Bool {
        var k = i + 1
        if t[words[i].end] != "," {
            guard k < words.count, ["is", "was"].contains(words[k].folded) else { return false }
            k += 1
        }
        guard k + 1 < words.count, words[k].lexical.contains(.determiner) else { return false }
        // "Priya, the DBA, …", "Hunter, our release manager": an apposition that names a role names a person.
        if k + 1 < words.count, NameDetector.roleNouns.contains(words[k + 1].folded) || NameDetector.roleTitles.contains(words[k + 1].folded) { return false }
        for j in (k + 1)..<min(words.count, k + 4) where words[j].lexical.contains(.thingContinuation) || words[j].isWork {
            // "the tool owner", "our Kafka expert": a role noun after the thing names a person.
            return !(j + 1 < words.count && NameDetector.roleNouns.contains(words[j + 1].folded))
        }
        return false
    }

    /// "from Networking", "from the vendor": after "from", a capitalised team or an organisation noun.
    func fromAnOrganisation(_ from: Int) -> Bool {
        guard from + 1 < words.count else { return false }
        let after = words[from + 1]
        if after.capitalised, !after.lexical.contains(.determiner) { return true }
        guard after.lexical.contains(.determiner), from + 2 < words.count else { return false }
        // "from the vendor", "from the platform team"
        return words[(from + 2)..<min(words.count, from + 4)].contains { NameDetector.organisationNouns.contains($0.folded) }
    }

    /// How far ahead, in words, a "she", "he" or "who" can refer back to a sentence's subject.
    static let referenceReach = 12

    /// "she", "he" or "who" within the next dozen words.
    func referredBack(_ i: Int) -> Bool {
        words[(i + 1)..<min(words.count, i + 1 + Self.referenceReach)].contains { NameDetector.personalReferences.contains($0.folded) }
    }

    /// "KM-LK-30417 (Tharindu)", "(Oh Seung-woo)": the word is inside a bracket that follows an employee id.
    func idBefore(_ i: Int) -> Bool {
        guard !idSpans.isEmpty else { return false }
        var k = words[i].start - 1
        // Back over the bracket's earlier words: letters, spaces, hyphens and apostrophes.
        while k >= 0, t.scalars[k] == " " || t.scalars[k] == "-" || t.scalars[k] == "'" || t.scalars[k].isLetterScalar || t.scalars[k].isCombiningMark { k -= 1 }
        guard k >= 0, t.scalars[k] == "(" else { return false }
        k -= 1
        while k >= 0, t.scalars[k] == " " { k -= 1 }
        guard k >= 0 else { return false }
        let end = t.positions[k + 1]
        return idSpans.contains { $0.range.upperBound == end }
    }

    /// "Omar Haddadi (WDC 000731)": the word closes a name right before a bracketed employee id.
    func idAfter(_ i: Int) -> Bool {
        guard !idSpans.isEmpty else { return false }
        var k = words[i].end
        while k < t.count, t.scalars[k] == " " { k += 1 }
        guard k < t.count, t.scalars[k] == "(" else { return false }
        k += 1
        while k < t.count, t.scalars[k] == " " { k += 1 }
        guard k < t.count else { return false }
        let start = t.positions[k]
        return idSpans.contains { $0.range.lowerBound == start }
    }
}
