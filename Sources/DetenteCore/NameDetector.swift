/// The roster, indexed for matching: every name token (folded), which person it belongs to, and
/// the nicknames and initials-plus-surname forms people are called by.
struct RosterIndex: Sendable {
    /// folded token → canonical person keys (a token can belong to two people).
    var tokens: [String: [String]] = [:]
    var nicknames: [String: String] = [:]
    var people: [String] = []

    init(_ roster: [String]) {
        for name in roster {
            let key = Gazetteer.fold(name)
            people.append(key)
            let parts = NameDetector.words(in: name).map { Gazetteer.fold(String($0.text)) }
            for part in parts {
                for piece in [part] + (part.contains("-") ? part.split(separator: "-").map(String.init) : [])
                where piece.count >= 2 && !Gazetteer.particles.contains(piece) {
                    tokens[piece, default: []].append(key)
                    for nick in Gazetteer.diminutives[piece] ?? [] where nicknames[nick] == nil { nicknames[nick] = key }
                }
            }
        }
    }

    func person(forToken t: String) -> String? { tokens[t]?.first }

    /// "Kavi" for Kavitha, "Lupe" for Guadalupe: a capitalised short form of a roster token.
    func nicknamePerson(_ t: String) -> String? {
        if let p = nicknames[t] { return p }
        guard t.count >= 3 else { return nil }
        for (token, keys) in tokens where token.count >= t.count + 2 {
            if token.hasPrefix(t) && t.count >= 4 || token.hasPrefix(t) && t.count == 3 && token.count <= 7 { return keys.first }
            if token.hasSuffix(t) && t.count >= 4 { return keys.first }
        }
        return nil
    }
}

/// Finds people's names: roster members in any case or accent form, nicknames, and colleagues
/// who are not on the roster (gazetteer names plus context cues). Ordinary words that are also
/// names ("will", "grace", "memory") and tools named like people ("Travis CI", "Jenkins") stay.
struct NameDetector {
    typealias Span = Anonymiser.Span
    let roster: RosterIndex

    struct Word {
        var text: Substring
        var range: Range<String.Index>
        var folded: String
        var sentenceStart: Bool
        var capitalised: Bool { text.first?.isUppercase ?? false }
        var allCaps: Bool { text.count > 1 && text.allSatisfy { !$0.isLetter || $0.isUppercase } }
    }

    /// Words with their ranges; a possessive ('s, ’s, trailing ') is left outside the word, and an
    /// honorific suffix (-san) too.
    static func words(in text: String) -> [Word] {
        var out: [Word] = []
        var i = text.startIndex
        var sentenceStart = true
        while i < text.endIndex {
            let c = text[i]
            if c.isLetter {
                var j = text.index(after: i)
                while j < text.endIndex {
                    let d = text[j]
                    if d.isLetter || d.isNumber { j = text.index(after: j); continue }
                    if d == "-" || d == "'" || d == "’", text.index(after: j) < text.endIndex, text[text.index(after: j)].isLetter {
                        j = text.index(after: j); continue
                    }
                    break
                }
                var end = j
                let word = text[i..<end]
                let lower = word.lowercased()
                for suffix in ["'s", "’s"] where lower.hasSuffix(suffix) && word.count > 3 { end = text.index(end, offsetBy: -2) }
                for suffix in Gazetteer.honorificSuffixes where lower.hasSuffix(suffix) && word.count > suffix.count + 2 {
                    end = text.index(end, offsetBy: -suffix.count)
                }
                let trimmed = text[i..<end]
                out.append(Word(text: trimmed, range: i..<end, folded: Gazetteer.fold(String(trimmed)), sentenceStart: sentenceStart))
                sentenceStart = false
                i = j
            } else {
                if c == "." || c == "!" || c == "?" || c == "\n" || c == ":" || c == "\"" || c == "“" || c == "(" || c == "—" || c == "–" { sentenceStart = true }
                if c.isNumber { sentenceStart = false }
                i = text.index(after: i)
            }
        }
        return out
    }

    static let cueBefore: Set<String> = ["ask", "asked", "asking", "ping", "pinged", "call", "called", "calling", "phone", "rang", "ring",
                                         "email", "emailed", "mail", "tell", "told", "page", "paged", "paging", "thanks", "thank", "cc",
                                         "by", "with", "per", "dm", "dms", "dmed", "dming", "message", "messaged", "contact", "and", "or",
                                         "colleague", "manager", "lead", "boss", "from", "to", "via", "me", "like", "except", "whom"]
    static let cueAfter: Set<String> = ["said", "says", "say", "asked", "told", "wrote", "writes", "thinks", "thought", "runs", "ran",
                                        "knows", "knew", "fixed", "fixes", "owns", "owned", "built", "is", "was", "has", "had", "will",
                                        "would", "can", "could", "did", "does", "and", "or", "who", "from", "on", "in", "at", "gave",
                                        "quoted", "left", "joined", "approves", "approved", "signs", "signed"]

    func detect(_ text: String, excluding taken: [Span]) -> [Span] {
        let words = Self.words(in: text)
        var isName = [String?](repeating: nil, count: words.count)   // person key when a name
        var rule = [String](repeating: "", count: words.count)

        func blocked(_ i: Int) -> Bool { taken.contains { $0.range.overlaps(words[i].range) } }
        func continuesAsThing(_ i: Int) -> Bool {
            guard i + 1 < words.count else { return false }
            let next = words[i + 1]
            // Only when the next word follows directly (same phrase), not across punctuation.
            let between = text[words[i].range.upperBound..<next.range.lowerBound]
            return between.allSatisfy { $0 == " " } && Gazetteer.thingContinuations.contains(next.folded)
        }
        func inCompound(_ i: Int) -> Bool {
            let w = words[i]
            let before = w.range.lowerBound > text.startIndex ? text[text.index(before: w.range.lowerBound)] : " "
            let after = w.range.upperBound < text.endIndex ? text[w.range.upperBound] : " "
            return before == "-" || (after == "-" && !text[w.range.upperBound...].hasPrefix("-san")) || before == "/" || before == "." || after == "@"
        }
        func isThing(_ f: String) -> Bool { Gazetteer.isWorkWord(f) }

        // Pass 1: strong evidence.
        for (i, w) in words.enumerated() where !blocked(i) {
            let f = w.folded
            let parts = f.contains("-") ? [f] + f.split(separator: "-").map(String.init) : [f]
            if w.allCaps && !(roster.tokens[f] != nil && w.text.count > 3) { continue }
            // Roster tokens.
            if let key = parts.lazy.compactMap({ self.roster.person(forToken: $0) }).first {
                let ambiguous = Gazetteer.ambiguousNames.contains(f) || Gazetteer.commonWords.contains(f) || isThing(f)
                if !ambiguous {
                    if !inCompound(i) || f.contains("-") { isName[i] = key; rule[i] = "roster name" }
                    continue
                }
                if w.capitalised, !w.sentenceStart, !continuesAsThing(i), !inCompound(i) {
                    isName[i] = key; rule[i] = "roster name (capitalised)"
                }
                continue
            }
            guard w.capitalised, !inCompound(i) || f.contains("-") else { continue }
            if isThing(f) || f.hasPrefix("test") { continue }
            // Nicknames of roster members.
            if !Gazetteer.commonWords.contains(f), let key = roster.nicknamePerson(f) {
                isName[i] = key; rule[i] = "nickname of a roster name"; continue
            }
            // Colleagues not on the roster: a gazetteer name that is not an everyday word.
            let nameParts = parts.filter { Gazetteer.isName($0) && !Gazetteer.ambiguousNames.contains($0) && !Gazetteer.commonWords.contains($0) }
            if !nameParts.isEmpty, !continuesAsThing(i), !Gazetteer.commonWords.contains(f) {
                isName[i] = nil; rule[i] = "name (gazetteer)"
            }
            // Korean-style given names: "Seo-yeon", "Min-jun".
            if rule[i].isEmpty, f.contains("-"), parts.count == 3, parts[1].count <= 4, parts[2].count <= 4,
               !Gazetteer.commonWords.contains(parts[1]), !Gazetteer.commonWords.contains(parts[2]) {
                rule[i] = "name (hyphenated given name)"
            }
        }

        // Pass 2: context — neighbours of names, honorifics, cue words, signatures.
        var changed = true
        var rounds = 0
        while changed && rounds < 3 {
            changed = false
            rounds += 1
            for (i, w) in words.enumerated() where rule[i].isEmpty && !blocked(i) && w.capitalised && !w.allCaps {
                let f = w.folded
                if isThing(f) || f.hasPrefix("test") || continuesAsThing(i) || inCompound(i) && !f.contains("-") { continue }
                let prev = i > 0 ? words[i - 1] : nil
                let next = i + 1 < words.count ? words[i + 1] : nil
                let adjacentPrev = prev.map { text[$0.range.upperBound..<w.range.lowerBound].allSatisfy { $0 == " " } } ?? false
                let adjacentNext = next.map { text[w.range.upperBound..<$0.range.lowerBound].allSatisfy { $0 == " " } } ?? false
                let common = Gazetteer.commonWords.contains(f) || Gazetteer.ambiguousNames.contains(f)
                // Next to a recognised name: "Sunday Eze", "Park Seo-yeon", "Memory Banda".
                if adjacentPrev, let p = prev, !rule[i - 1].isEmpty, p.capitalised, !common || Gazetteer.isName(f) {
                    rule[i] = "name (next to a name)"; isName[i] = isName[i - 1]; changed = true; continue
                }
                if adjacentNext, let n = next, !rule[i + 1].isEmpty, n.capitalised, !common || Gazetteer.isName(f) && !w.sentenceStart {
                    rule[i] = "name (next to a name)"; isName[i] = isName[i + 1]; changed = true; continue
                }
                // After an honorific: "Frau Lindemann", "anh Long", "Dr Okafor".
                if let p = prev, Gazetteer.honorifics.contains(p.folded), !common || Gazetteer.isName(f) {
                    if !(p.folded == "mr" && f.hasPrefix("test")) { rule[i] = "name (after a title)"; changed = true; continue }
                }
                // Honorific suffix "-san" was cut off: the word before it is a name.
                if w.range.upperBound < text.endIndex, Gazetteer.honorificSuffixes.contains(where: { text[w.range.upperBound...].lowercased().hasPrefix($0) }) {
                    rule[i] = "name (before an honorific)"; changed = true; continue
                }
                // Cue words: "ask Priya", "Olu's team", "— Wanjiru, Ops lead".
                if !common, !w.sentenceStart || isSignature(text, w), let p = prev, Self.cueBefore.contains(p.folded) || isSignature(text, w) {
                    rule[i] = "name (context)"; changed = true; continue
                }
                if !common, isSignature(text, w) { rule[i] = "name (signature)"; changed = true; continue }
                if !common, !w.sentenceStart, text[w.range.upperBound...].hasPrefix("'s") || text[w.range.upperBound...].hasPrefix("’s") {
                    rule[i] = "name (possessive)"; changed = true; continue
                }
            }
        }
        // Particles between names belong to the name: "Rhys ap Gwilym", "Tamsin le Goff".
        var spans: [Span] = []
        var i = 0
        while i < words.count {
            guard !rule[i].isEmpty else { i += 1; continue }
            var j = i
            while j + 1 < words.count {
                let gap = text[words[j].range.upperBound..<words[j + 1].range.lowerBound]
                guard gap.allSatisfy({ $0 == " " }), !gap.isEmpty else { break }
                if !rule[j + 1].isEmpty { j += 1; continue }
                if Gazetteer.particles.contains(words[j + 1].folded), j + 2 < words.count, !rule[j + 2].isEmpty,
                   text[words[j + 1].range.upperBound..<words[j + 2].range.lowerBound].allSatisfy({ $0 == " " }) {
                    j += 2; continue
                }
                break
            }
            let key = (i...j).lazy.compactMap { isName[$0] }.first
            let rangeText = text[words[i].range.lowerBound..<words[j].range.upperBound]
            spans.append(Span(range: words[i].range.lowerBound..<words[j].range.upperBound, kind: .person, rule: rule[i],
                              subject: key ?? Gazetteer.fold(String(rangeText))))
            i = j + 1
        }
        return spans
    }

    /// "— Wanjiru, Ops lead" or "(Written by me, Chiara)": a name right after a dash or "by me,".
    func isSignature(_ text: String, _ w: Word) -> Bool {
        let before = text[..<w.range.lowerBound].reversed().drop { $0 == " " }
        guard let c = before.first else { return false }
        if c == "—" || c == "–" { return true }
        if c == "," { return String(before.dropFirst().prefix(6).reversed()).lowercased().hasSuffix("me") }
        return false
    }
}
