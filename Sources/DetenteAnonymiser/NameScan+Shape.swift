import DetenteModel
/// How a word is written where it stands: possessives, honorific suffixes, compounds, jargon casing.
extension NameScan {
    /// "Kamau's", "Jones'": a possessive follows the word.
    func possessive(_ i: Int) -> Bool {
        let e = words[i].end
        let apostrophe = t[e] == "'" || t[e] == "’"
        return apostrophe && (t[e + 1] == "s" || words[i].folded.hasSuffix("s") && t[e + 1] == " " && e + 1 < t.count)
    }

    /// "-san", "-sama": an honorific suffix starts at scalar `e`.
    func honorificFollows(_ e: Int) -> Bool { t[e] == "-" && Gazetteer.honorificSuffixes.contains { t.hasPrefix($0, at: e) } }

    /// "build-07", "ops/robin", "jane.doe", "@kofi", "#ravi": part of a compound, path or handle.
    func inCompound(_ i: Int) -> Bool {
        let w = words[i]
        let before = t[w.start - 1], after = t[w.end]
        return before == "-" || before == "/" || before == "." || before == "@" || before == "#" || before == "_"
            || (after == "-" && !honorificFollows(w.end)) || after == "@" || after == "/" || after == "_"
            || (after == "." && w.end + 1 < t.count && t[w.end + 1].isLetterScalar)
    }

    /// Prefixes after which a capital inside a surname is ordinary ("McDonald", "DeVries", "FitzGerald").
    static let surnamePrefixes: Set<String> = ["mc", "mac", "de", "la", "le", "van", "di", "fitz", "da", "del", "st"]

    /// "DMing", "ORMs", "GitHub": product and jargon casing, unlike "McDonald" or "O'Rourke".
    func mixedCase(_ w: Word) -> Bool {
        guard w.length > 1, !w.allCaps else { return false }
        let s = t.scalars
        if s[w.start].isUppercaseScalar && s[w.start + 1].isUppercaseScalar { return true }
        for k in (w.start + 2)..<max(w.start + 2, w.end) where s[k].isUppercaseScalar {
            let before = s[k - 1]
            if before == "'" || before == "’" || before == "-" { continue }
            let prefix = Gazetteer.fold(s[w.start..<k])
            let rest = Gazetteer.fold(s[k..<w.end])
            if Self.surnamePrefixes.contains(prefix), !Self.isWord(rest) || Gazetteer.isName(rest) { continue }
            return true
        }
        return false
    }

    /// "Kofi: we need a rollback", a chat transcript's speaker: the word starts the text or a line
    /// and a colon and a space follow it (not "10:30" or "https:").
    func isSpeakerLabel(_ w: Word) -> Bool {
        guard t[w.end] == ":", t[w.end + 1] == " " else { return false }
        var k = w.start - 1
        while k >= 0, t.scalars[k] == " " || t.scalars[k] == "\t" { k -= 1 }
        return k < 0 || t.scalars[k] == "\n"
    }

    /// "— Wanjiru, Ops lead" or "(Written by me, Chiara)": a name right after a dash or "by me,".
    func isSignature(_ w: Word) -> Bool {
        var k = w.start - 1
        while k >= 0, t.scalars[k] == " " { k -= 1 }
        guard k >= 0 else { return false }
        let c = t.scalars[k]
        if c == "—" || c == "–" { return true }
        // "me," — the six scalars before the comma end in "me".
        if c == ",", k >= 2 { return ScalarText.lowerASCII(t.scalars[k - 2]) == "m" && ScalarText.lowerASCII(t.scalars[k - 1]) == "e" }
        return false
    }
}
