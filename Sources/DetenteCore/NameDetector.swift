/// The roster, indexed for matching: every name token (folded), which person it belongs to, and
/// the nicknames and initials-plus-surname forms people are called by.
struct RosterIndex: Sendable {
    /// folded token → canonical person keys (a token can belong to two people).
    var tokens: [String: [String]] = [:]
    var nicknames: [String: String] = [:]
    /// Short forms: prefixes ("kavi" of "kavitha") and suffixes ("lupe" of "guadalupe").
    var shortForms: [String: String] = [:]
    var people: [String] = []

    init(_ roster: [String]) {
        for name in roster {
            let key = Gazetteer.fold(name)
            people.append(key)
            for word in NameDetector.words(in: name) {
                let part = Gazetteer.fold(String(word.text))
                // "le" is a particle, but "Lê" (with its accent) is a name.
                let accented = part != word.text.lowercased()
                let pieces = [part] + (part.contains("-") ? part.split(separator: "-").map { String($0) } : [String]())
                for piece in pieces where piece.count >= 2 && (!Gazetteer.particles.contains(piece) || accented) {
                    tokens[piece, default: []].append(key)
                    for nick in Gazetteer.diminutives[piece] ?? [] where nicknames[nick] == nil { nicknames[nick] = key }
                }
            }
        }
        indexShortForms()
    }

    func person(forToken t: String) -> String? { tokens[t]?.first }

    mutating func indexShortForms() {
        for (token, keys) in tokens.sorted(by: { $0.key < $1.key }) {
            let chars = Array(token)
            guard chars.count >= 5, let key = keys.first else { continue }
            for length in 3...(chars.count - 2) where length >= 4 || chars.count <= 7 {
                let prefix = String(chars[..<length])
                if shortForms[prefix] == nil { shortForms[prefix] = key }
            }
            for length in stride(from: 4, through: chars.count - 2, by: 1) {
                let suffix = String(chars[(chars.count - length)...])
                if shortForms[suffix] == nil { shortForms[suffix] = key }
            }
        }
    }

    /// "Kavi" for Kavitha, "Lupe" for Guadalupe: a capitalised short form of a roster token.
    func nicknamePerson(_ t: String) -> String? {
        nicknames[t] ?? (t.count >= 3 ? shortForms[t] : nil)
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

    /// Words before a person: "ask Priya", "ping Olu", "with Henrik", "like Kavi or phil".
    static let cueBefore: Set<String> = ["ask", "asked", "asking", "ping", "pinged", "call", "called", "calling", "rang", "ring", "rings",
                                         "email", "emailed", "mail", "mailed", "tell", "told", "page", "paged", "paging", "thanks", "thank", "cc",
                                         "by", "with", "dm", "dmed", "dming", "messaged", "contact", "colleague", "manager", "boss",
                                         "like", "except", "whom", "and", "or", "me", "sorry", "dear", "hi", "hello", "hey", "from"]
    static let determiners: Set<String> = ["the", "a", "an", "our", "their", "your", "my", "its", "this", "that", "these", "those", "his", "her"]

    /// Words after a person: "Travis says", "Cassandra knows", "Bryce from the vendor".
    static let cueAfter: Set<String> = ["said", "says", "asked", "asks", "told", "tells", "wrote", "writes", "thinks", "thought", "runs", "ran",
                                        "knows", "knew", "fixed", "fixes", "owns", "owned", "built", "builds", "is", "was", "has", "had",
                                        "and", "or", "who", "from", "gave", "gives", "quoted", "left", "joined", "approves", "approved",
                                        "signs", "signed", "came", "comes", "covers", "covered", "stayed", "shows", "showed", "keeps", "kept",
                                        "does", "did", "reads", "read", "rewrote", "rewrites", "explained", "explains", "found", "finds",
                                        "insists", "insisted", "wants", "wanted", "needs", "needed", "patched", "restarts", "restarted",
                                        "understands", "understood", "answers", "answered", "replied", "replies", "offered", "offers"]

    /// Evidence for one word being (part of) a person's name; a word is a name at 3 or more.
    static let threshold = 3.0

    func detect(_ text: String, excluding taken: [Span]) -> [Span] {
        let words = Self.words(in: text)
        guard !words.isEmpty else { return [] }
        var person = [String?](repeating: nil, count: words.count)
        var rule = [String](repeating: "", count: words.count)

        func blocked(_ i: Int) -> Bool { taken.contains { $0.range.overlaps(words[i].range) } }
        func gap(_ i: Int, _ j: Int) -> Substring { text[words[i].range.upperBound..<words[j].range.lowerBound] }
        func adjacent(_ i: Int, _ j: Int) -> Bool { let g = gap(i, j); return !g.isEmpty && g.allSatisfy { $0 == " " } }
        func next(_ i: Int) -> Word? { i + 1 < words.count && adjacent(i, i + 1) ? words[i + 1] : nil }
        func prev(_ i: Int) -> Word? { i > 0 && adjacent(i - 1, i) ? words[i - 1] : nil }
        func possessive(_ i: Int) -> Bool {
            let rest = text[words[i].range.upperBound...]
            return rest.hasPrefix("'s") || rest.hasPrefix("’s") || (words[i].folded.hasSuffix("s") && (rest.hasPrefix("' ") || rest.hasPrefix("’ ")))
        }
        func inCompound(_ i: Int) -> Bool {
            let w = words[i]
            let before = w.range.lowerBound > text.startIndex ? text[text.index(before: w.range.lowerBound)] : " "
            let after = w.range.upperBound < text.endIndex ? text[w.range.upperBound] : " "
            let honorific = Gazetteer.honorificSuffixes.contains { text[w.range.upperBound...].prefix(8).lowercased().hasPrefix($0) }
            return before == "-" || before == "/" || before == "." || before == "@" || before == "#" || before == "_"
                || (after == "-" && !honorific) || after == "@" || after == "/" || after == "_" || (after == "." && w.range.upperBound < text.index(before: text.endIndex) && text[text.index(after: w.range.upperBound)].isLetter)
        }
        /// "DMing", "ORMs", "GitHub": product and jargon casing, unlike "McDonald" or "O'Rourke".
        func mixedCase(_ w: Word) -> Bool {
            let chars = Array(w.text)
            guard chars.count > 1, !w.allCaps else { return false }
            if chars[0].isUppercase && chars[1].isUppercase { return true }
            for k in 2..<chars.count where chars[k].isUppercase {
                let before = chars[k - 1]
                if before == "'" || before == "’" || before == "-" { continue }
                let prefix = String(chars[..<k]).lowercased()
                let rest = Gazetteer.fold(String(chars[k...]))
                if ["mc", "mac", "de", "la", "le", "van", "di", "fitz", "da", "del", "st"].contains(prefix), !isWord(rest) || Gazetteer.isName(rest) { continue }
                return true
            }
            return false
        }
        func rosterKey(_ w: Word) -> String? {
            if let k = roster.person(forToken: w.folded) { return k }
            guard w.folded.contains("-") else { return nil }
            return w.folded.split(separator: "-").lazy.compactMap { self.roster.person(forToken: String($0)) }.first
        }
        func isWord(_ f: String) -> Bool { Gazetteer.commonWords.contains(f) || Gazetteer.ambiguousNames.contains(f) }

        // Pass 1: what each word is on its own.
        var base = [Double](repeating: -10, count: words.count)
        for (i, w) in words.enumerated() where !blocked(i) {
            let f = w.folded
            if w.text.count < 2 || f == "i" || Gazetteer.honorifics.contains(f) || (w.allCaps && rosterKey(w) == nil) || mixedCase(w) { continue }
            if inCompound(i) { continue }
            // "long-running", "round-robin": a lowercase compound is a word, whatever its parts.
            if !w.capitalised, f.contains("-"), roster.person(forToken: f) == nil { continue }
            var score = 0.0
            var why = ""
            let ambiguousWord = isWord(f) || Gazetteer.isWorkWord(f)
            if let key = rosterKey(w) {
                person[i] = key
                // A participant named like a tool ("Travis", "Ruby") is still a participant
                // unless the tool's own words follow ("Travis CI"), which is checked below.
                score += Gazetteer.isWorkWord(f) ? 2 : ambiguousWord ? 1.5 : 3
                why = "roster name"
            } else if !isWord(f), let key = roster.nicknamePerson(f), w.capitalised {
                person[i] = key
                score += roster.nicknames[f] != nil ? 3 : 2.5
                why = "nickname of a roster name"
            } else if Gazetteer.isName(f) || f.split(separator: "-").contains(where: { Gazetteer.isName(String($0)) }) {
                score += isWord(f) ? 0.5 : 2
                why = "name (gazetteer)"
            } else if w.capitalised && !isWord(f) && f.count >= 3 {
                score += 0.5
                why = "name (context)"
            } else if w.capitalised, f.contains("-"), f.split(separator: "-").allSatisfy({ $0.count <= 4 && !isWord(String($0)) }) {
                score += 1.5  // "Seo-yeon", "Min-jun"
                why = "name (hyphenated given name)"
            } else {
                continue
            }
            if !w.capitalised {
                // Lowercase: only a roster name that is not an everyday word ("kavitha", "rohan").
                if person[i] == nil || isWord(f) { score -= 2.5 } else if Gazetteer.isWorkWord(f) { score -= 1.5 }
            } else if !w.sentenceStart {
                // Mid-sentence capitals mark a name; for a participant's name that is also a word
                // ("then Memory.") they are the main evidence.
                score += person[i] != nil ? 1.5 : 1
            }
            if Gazetteer.isWorkWord(f) && person[i] == nil {
                // "Sunday Eze": a name that is also a weekday or tool, followed by another name.
                let beforeName = next(i).map { $0.capitalised && Gazetteer.isName($0.folded) && !Gazetteer.isWorkWord($0.folded) } ?? false
                score -= beforeName && Gazetteer.isName(f) ? 1 : 5
            }
            if let n = next(i), Gazetteer.thingContinuations.contains(n.folded) { score -= 4 }
            if f.hasPrefix("test") { score -= 5 }
            // "Google Doc", "Azure Boards": a word right after a product name is part of that product.
            if person[i] == nil, let p = prev(i), p.capitalised, Gazetteer.isWorkWord(p.folded), !Gazetteer.isName(p.folded) { score -= 3 }
            // "our Ruby scripts", "the Jenkins job": a determiner before it makes it a thing.
            if i > 0, adjacent(i - 1, i), Self.determiners.contains(words[i - 1].folded) { score -= 2 }
            base[i] = score
            rule[i] = why
        }

        // Pass 2: context.
        var total = base
        for i in words.indices where base[i] > -10 {
            let w = words[i]
            if possessive(i) { total[i] += person[i] != nil && !w.capitalised ? 3 : 1.5 }
            // "Today Robin pastes them": a participant's name as the subject of a verb.
            if person[i] != nil, w.capitalised, let n = next(i), !n.capitalised, n.folded.count > 3, n.folded.hasSuffix("s"),
               !n.folded.hasSuffix("ss"), !Gazetteer.thingContinuations.contains(n.folded) { total[i] += 0.5 }
            if let n = next(i), Self.cueAfter.contains(n.folded), w.capitalised || person[i] != nil {
                total[i] += n.folded == "and" || n.folded == "or" ? 0.5 : 1.5
            }
            if let p = prev(i) ?? (i > 0 ? words[i - 1] : nil), Self.cueBefore.contains(p.folded) { total[i] += 1 }
            if let p = (i > 0 ? words[i - 1] : nil), Gazetteer.honorifics.contains(p.folded), adjacent(i - 1, i), w.capitalised {
                total[i] += 3; rule[i] = "name (after a title)"
            }
            if Gazetteer.honorificSuffixes.contains(where: { text[w.range.upperBound...].prefix(8).lowercased().hasPrefix($0) }) {
                total[i] += 3; rule[i] = "name (before an honorific)"
            }
            if isSignature(text, w), w.capitalised { total[i] += 3; rule[i] = "name (signature)" }
        }
        // Neighbours: a word next to a name of the same roster person, or two capitalised
        // name-like words side by side ("Sunday Eze", "Park Seo-yeon", "Gareth Pryce-Jones").
        var isName = total.map { $0 >= Self.threshold }
        // Two capitalised words side by side that are neither everyday words nor tools, mid-
        // sentence: a full name the gazetteer does not know ("Tamsin O'Rourke").
        for i in words.indices.dropLast() where !isName[i] && !isName[i + 1] && base[i] > -10 && base[i + 1] > -10 && adjacent(i, i + 1) {
            let a = words[i], b = words[i + 1]
            if a.capitalised, b.capitalised, !a.sentenceStart, !isWord(a.folded), !isWord(b.folded), base[i] >= 1.5, base[i + 1] >= 1.5,
               !(i + 2 < words.count && adjacent(i + 1, i + 2) && Gazetteer.placeWords.contains(words[i + 2].folded)) {
                isName[i] = true; isName[i + 1] = true
                rule[i] = "name (two unknown capitalised words)"
            }
        }
        for _ in 0..<2 {
            for i in words.indices where !isName[i] && base[i] > -10 {
                for j in [i - 1, i + 1] where j >= 0 && j < words.count && isName[j] && adjacent(min(i, j), max(i, j)) {
                    let samePerson = person[i] != nil && person[i] == person[j] && (words[i].capitalised || !isWord(words[i].folded))
                    let nameLike = words[i].capitalised && (base[i] >= 0.5 || Gazetteer.isName(words[i].folded))
                    if samePerson && base[i] + 4 >= Self.threshold || nameLike && base[i] + 2.5 >= Self.threshold {
                        isName[i] = true
                        if person[i] == nil { person[i] = person[j] }
                        if rule[i].isEmpty || samePerson { rule[i] = samePerson ? "roster name (full name)" : "name (next to a name)" }
                    }
                }
            }
        }

        // Coordination: "Kavi or phil", "Can and Chidi" — a name-like word joined to a name.
        for i in words.indices where !isName[i] && base[i] > -10 {
            let linked = [(i - 1, i - 2), (i + 1, i + 2)].contains { link, other in
                link >= 0 && other >= 0 && other < words.count && ["and", "or", "&"].contains(words[link].folded) && isName[other]
            }
            // "Memory and I", "Can and me": the speaker's companion is a person.
            let withSpeaker = i + 2 < words.count && ["and", "&"].contains(words[i + 1].folded) && ["i", "me", "myself"].contains(words[i + 2].folded)
                && words[i].capitalised && (person[i] != nil || Gazetteer.isName(words[i].folded))
            if withSpeaker { isName[i] = true; rule[i] = "name (\"… and I\")"; continue }
            guard linked else { continue }
            if person[i] != nil || Gazetteer.isName(words[i].folded) && !isWord(words[i].folded) {
                isName[i] = true; rule[i] = "name (listed with a name)"
            }
        }

        // Spans: runs of names, with particles between them ("Rhys ap Gwilym", "Tamsin le Goff").
        var spans: [Span] = []
        var i = 0
        while i < words.count {
            guard isName[i] else { i += 1; continue }
            var j = i
            while j + 1 < words.count, adjacent(j, j + 1) {
                if isName[j + 1] { j += 1; continue }
                if Gazetteer.particles.contains(words[j + 1].folded), !words[j + 1].capitalised, j + 2 < words.count, isName[j + 2], adjacent(j + 1, j + 2) {
                    j += 2; continue
                }
                break
            }
            // "Ho Chi Minh City", "Fête des Lumières": a place or event, not a person.
            if j + 1 < words.count, adjacent(j, j + 1), Gazetteer.placeWords.contains(words[j + 1].folded), words[j + 1].capitalised {
                i = j + 1; continue
            }
            let key = (i...j).lazy.compactMap { person[$0] }.first
            let range = words[i].range.lowerBound..<words[j].range.upperBound
            spans.append(Span(range: range, kind: .person, rule: rule[i].isEmpty ? "name" : rule[i], subject: key ?? Gazetteer.fold(String(text[range]))))
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
