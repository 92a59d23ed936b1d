import DetenteModel
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
                let part = word.folded
                // "le" is a particle, but "Lê" (with its accent) is a name.
                let accented = part != name[word.range].lowercased()
                let pieces = [part] + (part.utf8.contains(UInt8(ascii: "-")) ? part.split(separator: "-").map { String($0) } : [String]())
                for piece in pieces where piece.count >= 2 && (!Gazetteer.particles.contains(piece) || accented) {
                    tokens[piece, default: []].append(key)
                    for nick in Gazetteer.diminutives[piece] ?? [] where nicknames[nick] == nil { nicknames[nick] = key }
                }
            }
        }
        indexShortForms()
        for (token, keys) in tokens {
            tokenShapes[Self.shape(token)] = true
            owners[token] = keys.first
        }
    }

    /// folded token → the first person it belongs to (the hot lookup; no array copied).
    var owners: [String: String] = [:]

    /// Which (first byte, length) pairs roster tokens have: most words of a text are ruled out
    /// without hashing them.
    var tokenShapes = [Bool](repeating: false, count: 256 * 64)

    static func shape(_ t: some StringProtocol) -> Int {
        Int(t.utf8.first ?? 0) * 64 + min(t.utf8.count, 63)
    }

    func person(forToken t: String) -> String? {
        guard tokenShapes[Self.shape(t)] else { return nil }
        return owners[t]
    }

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

/// The text as Unicode scalars with their string positions. Name detection walks it by integer
/// offset, which costs a fraction of walking `Character`s (no grapheme breaking, ASCII fast paths).
struct ScalarText {
    let scalars: [Unicode.Scalar]
    /// `positions[k]` is where scalar `k` starts; the last entry is `text.endIndex`.
    let positions: [String.Index]

    init(_ text: String) {
        var scalars: [Unicode.Scalar] = []
        var positions: [String.Index] = []
        scalars.reserveCapacity(text.utf8.count)
        positions.reserveCapacity(text.utf8.count + 1)
        let view = text.unicodeScalars
        var i = view.startIndex
        while i < view.endIndex {
            scalars.append(view[i])
            positions.append(i)
            view.formIndex(after: &i)
        }
        positions.append(text.endIndex)
        self.scalars = scalars
        self.positions = positions
    }

    var count: Int { scalars.count }
    subscript(_ k: Int) -> Unicode.Scalar { k >= 0 && k < scalars.count ? scalars[k] : " " }
    func range(_ lower: Int, _ upper: Int) -> Range<String.Index> { positions[lower]..<positions[upper] }

    /// Whether the scalars from `k` spell `ascii`, ignoring ASCII case.
    func hasPrefix(_ ascii: String, at k: Int) -> Bool {
        var j = k
        for u in ascii.unicodeScalars {
            guard j < scalars.count, Self.lowerASCII(scalars[j]) == u else { return false }
            j += 1
        }
        return true
    }

    static func lowerASCII(_ s: Unicode.Scalar) -> Unicode.Scalar {
        s.value &- 0x41 < 26 ? Unicode.Scalar(s.value | 0x20)! : s
    }
}


/// Finds people's names: roster members in any case or accent form, nicknames, and colleagues
/// who are not on the roster (gazetteer names plus context cues). Ordinary words that are also
/// names ("will", "grace", "memory") and tools named like people ("Travis CI", "Jenkins") stay.
struct NameDetector {
    typealias Span = Anonymiser.Span
    typealias Weight = NameEvidence
    let roster: RosterIndex

    struct Word {
        /// Scalar offsets of the word in its `ScalarText`.
        var start: Int
        var end: Int
        var range: Range<String.Index>
        var folded: String
        var sentenceStart: Bool
        var capitalised: Bool
        var allCaps: Bool
        var lexical: Gazetteer.WordClass
        /// Whether the folded word has an inner hyphen ("seo-yeon", "allow-list").
        var hyphenated: Bool
        var length: Int { end - start }
        var isName: Bool { lexical.isName }
        var isEverydayWord: Bool { lexical.isEverydayWord }
        var isWork: Bool { lexical.contains(.work) }
    }

    /// Words with their ranges; a possessive ('s, ’s, trailing ') is left outside the word, and an
    /// honorific suffix (-san) too.
    static func words(in text: String) -> [Word] { words(in: ScalarText(text)) }

    static func words(in t: ScalarText) -> [Word] {
        var out: [Word] = []
        let s = t.scalars
        let n = s.count
        var i = 0
        var sentenceStart = true
        while i < n {
            let c = s[i]
            if c.isLetterScalar {
                var j = i + 1
                while j < n {
                    let d = s[j]
                    if d.isLetterScalar || d.isNumberScalar || d.isCombiningMark { j += 1; continue }
                    if d == "-" || d == "'" || d == "’", j + 1 < n, s[j + 1].isLetterScalar { j += 1; continue }
                    break
                }
                var end = j
                if end - i > 3, s[end - 1] == "s" || s[end - 1] == "S", s[end - 2] == "'" || s[end - 2] == "’" { end -= 2 }
                let length = j - i
                for suffix in Gazetteer.honorificSuffixes where length > suffix.utf8.count + 2 {
                    let k = end - suffix.utf8.count
                    if k > i, s[k] == "-", t.hasPrefix(suffix, at: k), k + suffix.utf8.count == end { end = k }
                }
                var lower = false
                for k in i..<end where s[k].isLetterScalar && !s[k].isUppercaseScalar { lower = true; break }
                let folded = Gazetteer.fold(s[i..<end])
                out.append(Word(start: i, end: end, range: t.range(i, end), folded: folded, sentenceStart: sentenceStart,
                                capitalised: s[i].isUppercaseScalar, allCaps: end - i > 1 && !lower, lexical: s[i].isUppercaseScalar ? Gazetteer.classifyCapitalised(folded) : Gazetteer.classify(folded),
                                hyphenated: folded.utf8.contains(UInt8(ascii: "-"))))
                sentenceStart = false
                i = j
            } else {
                if c == "." || c == "!" || c == "?" || c == "\n" || c == ":" || c == "\"" || c == "“" || c == "(" || c == "—" || c == "–" { sentenceStart = true }
                if c.isNumberScalar { sentenceStart = false }
                i += 1
            }
        }
        return out
    }

    /// Words before a person: "ask Priya", "ping Olu", "with Henrik", "like Kavi or phil".
    static let cueBefore: Set<String> = ["ask", "asked", "asking", "ping", "pinged", "call", "called", "calling", "rang", "ring", "rings",
                                         "email", "emailed", "mail", "mailed", "tell", "told", "page", "paged", "paging", "thanks", "thank", "cc",
                                         "by", "with", "dm", "dmed", "dming", "messaged", "contact", "colleague", "manager", "boss",
                                         "like", "except", "whom", "and", "or", "me", "sorry", "dear", "hi", "hello", "hey", "from",
                                         "phone", "phoned", "phoning", "messaging", "message", "texted", "texting", "pinging", "contacted"]
    /// Verbs of reaching a person: after one, even a name that is also a word is a name
    /// ("phoning Brad", "ask Grace"). A subset of `cueBefore`, weighed more.
    static let contactCues: Set<String> = ["ask", "asked", "asking", "ping", "pinged", "pinging", "call", "called", "calling", "phone",
                                           "phoned", "phoning", "ring", "rang", "ringing", "email", "emailed", "emailing", "mail", "mailed",
                                           "message", "messaged", "messaging", "text", "texted", "texting", "tell", "told", "telling",
                                           "thank", "thanks", "cc", "dm", "dmed", "dming", "contact", "contacted", "contacting", "dear",
                                           "hi", "hello", "hey"]
    /// Verbs that take a tool or system as object: "run Flyway", "deploy Kestrel", "migrate to Vitess".
    static let toolVerbs: Set<String> = ["run", "runs", "running", "use", "uses", "using", "install", "installs", "installed", "installing",
                                         "deploy", "deploys", "deployed", "upgrade", "upgrades", "upgraded", "configure", "configured",
                                         "restart", "restarts", "restarted", "enable", "enabled", "disable", "disabled", "migrate",
                                         "migrated", "adopt", "adopted", "replace", "replaced", "patch", "patched", "scan", "scanned",
                                         "query", "queried", "build", "compile", "compiled", "benchmark", "license", "licence"]
    /// Words that refer back to a person: "Kasia is the exception: she …", "… the engineer who …".
    static let personalReferences: Set<String> = ["she", "he", "her", "him", "his", "hers", "herself", "himself", "who", "whom", "whose"]

    /// Nouns for a person's role ("the platform owner", "our Kafka expert").
    static let roleNouns: Set<String> = ["owner", "owners", "lead", "engineer", "engineers", "manager", "admin", "administrator", "expert",
                                         "person", "guy", "contact", "champion", "maintainer", "author", "architect", "developer", "specialist"]
    /// Nouns for a group of people one can be "from" (a general list of organisation words).
    static let organisationNouns: Set<String> = ["vendor", "vendors", "supplier", "team", "company", "firm", "agency", "department", "office",
                                                 "partner", "client", "customer", "contractor", "consultancy", "bank", "council", "ministry",
                                                 "regulator", "auditor", "auditors", "union", "board", "branch", "subsidiary", "carrier",
                                                 "provider", "integrator", "startup", "lab", "group", "squad", "desk", "noc", "soc",
                                                 "helpdesk", "hospital", "university", "school", "plant", "site", "depot", "warehouse"]

    /// Prepositions after which a place name is a place ("in Busan", "via Lima").
    static let placePrepositions: Set<String> = ["in", "near", "via", "across", "outside", "inside", "around", "between", "throughout"]

    static let determiners: Set<String> = ["the", "a", "an", "our", "their", "your", "my", "its", "this", "that", "these", "those", "his", "her"]

    /// Words after a person: "Travis says", "Cassandra knows", "Bryce from the vendor".
    static let cueAfter: Set<String> = ["said", "says", "asked", "asks", "told", "tells", "wrote", "writes", "thinks", "thought", "runs", "ran",
                                        "knows", "knew", "fixed", "fixes", "owns", "owned", "built", "builds", "is", "was", "has", "had",
                                        "and", "or", "who", "from", "gave", "gives", "quoted", "left", "joined", "approves", "approved",
                                        "signs", "signed", "came", "comes", "covers", "covered", "stayed", "shows", "showed", "keeps", "kept",
                                        "does", "did", "reads", "read", "rewrote", "rewrites", "explained", "explains", "found", "finds",
                                        "insists", "insisted", "wants", "wanted", "needs", "needed", "patched", "restarts", "restarted",
                                        "understands", "understood", "answers", "answered", "replied", "replies", "offered", "offers"]

    /// Evidence for one word being (part of) a person's name; a word is a name at this score.
    static let threshold = Weight.threshold

    func detect(_ text: String, excluding taken: [Span]) -> [Span] {
        let t = ScalarText(text)
        let words = Self.words(in: t)
        guard !words.isEmpty else { return [] }
        var person = [String?](repeating: nil, count: words.count)
        var rule = [String](repeating: "", count: words.count)

        func blocked(_ i: Int) -> Bool { taken.contains { $0.range.overlaps(words[i].range) } }
        func adjacent(_ i: Int, _ j: Int) -> Bool {
            let from = words[i].end, to = words[j].start
            guard from < to else { return false }
            for k in from..<to where t.scalars[k] != " " { return false }
            return true
        }
        func next(_ i: Int) -> Word? { i + 1 < words.count && adjacent(i, i + 1) ? words[i + 1] : nil }
        func prev(_ i: Int) -> Word? { i > 0 && adjacent(i - 1, i) ? words[i - 1] : nil }
        func possessive(_ i: Int) -> Bool {
            let e = words[i].end
            let apostrophe = t[e] == "'" || t[e] == "’"
            return apostrophe && (t[e + 1] == "s" || words[i].folded.hasSuffix("s") && t[e + 1] == " " && e + 1 < t.count)
        }
        func honorificFollows(_ e: Int) -> Bool { t[e] == "-" && Gazetteer.honorificSuffixes.contains { t.hasPrefix($0, at: e) } }
        func inCompound(_ i: Int) -> Bool {
            let w = words[i]
            let before = t[w.start - 1], after = t[w.end]
            return before == "-" || before == "/" || before == "." || before == "@" || before == "#" || before == "_"
                || (after == "-" && !honorificFollows(w.end)) || after == "@" || after == "/" || after == "_"
                || (after == "." && w.end + 1 < t.count && t[w.end + 1].isLetterScalar)
        }
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
                if ["mc", "mac", "de", "la", "le", "van", "di", "fitz", "da", "del", "st"].contains(prefix), !isWord(rest) || Gazetteer.isName(rest) { continue }
                return true
            }
            return false
        }
        /// "in Lima", "Prague, Wrocław and Milan": a preposition of place, or a list with a place.
        func inPlaceContext(_ i: Int) -> Bool {
            guard i > 0 else { return false }
            let p = words[i - 1]
            if adjacent(i - 1, i), Self.placePrepositions.contains(p.folded) { return true }
            guard p.folded == "and" || p.folded == "or" || t[words[i].start - 2] == ",", i >= 2 else { return false }
            let other = p.folded == "and" || p.folded == "or" ? words[i - 2] : p
            return other.capitalised && other.lexical.contains(.place)
        }
        // Words inside a place name of several words ("São Paulo", "Ras Al Khaimah", "La Paz").
        let placeWords = Self.placePhraseWords(words, adjacent: adjacent)
        // Each word's roster person, looked up once.
        let rosterKeys: [String?] = words.map { w in
            if let k = roster.person(forToken: w.folded) { return k }
            guard w.hyphenated else { return nil }
            return w.folded.split(separator: "-").lazy.compactMap { self.roster.person(forToken: String($0)) }.first
        }
        func isWord(_ f: String) -> Bool { Gazetteer.classify(f).isEverydayWord }
        let idSpans = taken.filter { $0.kind == .employeeID }
        /// "messaging ami", "ask rohan", "rohan from Support".
        func lowercasePersonalContext(_ i: Int) -> Bool {
            if let p = prev(i), p.lexical.contains(.contactCue) { return true }
            guard let n = next(i), n.folded == "from", i + 2 < words.count, adjacent(i + 1, i + 2) else { return false }
            return words[i + 2].capitalised
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
            for j in (k + 1)..<min(words.count, k + 4) where words[j].lexical.contains(.thingContinuation) || words[j].isWork {
                // "the tool owner", "our Kafka expert": a role noun after the thing names a person.
                return !(j + 1 < words.count && Self.roleNouns.contains(words[j + 1].folded))
            }
            return false
        }
        /// "from Networking", "from the vendor": after "from", a capitalised team or an organisation noun.
        func fromAnOrganisation(_ from: Int) -> Bool {
            guard from + 1 < words.count else { return false }
            let after = words[from + 1]
            if after.capitalised, !after.lexical.contains(.determiner) { return true }
            guard after.lexical.contains(.determiner), from + 2 < words.count else { return false }
            return Self.organisationNouns.contains(words[from + 2].folded)
        }
        /// "she", "he" or "who" within the next dozen words.
        func referredBack(_ i: Int) -> Bool {
            words[(i + 1)..<min(words.count, i + 13)].contains { Self.personalReferences.contains($0.folded) }
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

        // Pass 1: what each word is on its own.
        var base = [Double](repeating: -10, count: words.count)
        for (i, w) in words.enumerated() where !blocked(i) {
            let f = w.folded
            if w.length < 2 || f == "i" || w.lexical.contains(.honorific) || (w.allCaps && rosterKeys[i] == nil) || mixedCase(w) { continue }
            if inCompound(i) { continue }
            if !placeWords.isEmpty, placeWords[i] { continue }
            if w.lexical.contains(.properAdjective), rosterKeys[i] == nil { continue }
            // "conta de luz", "la paz": a lowercase phrase after a particle is no one's name.
            if !w.capitalised, i >= 2, words[i - 1].lexical.contains(.particle), !words[i - 1].capitalised, adjacent(i - 1, i),
               !words[i - 2].capitalised, !words[i - 2].isName { continue }
            // The adjacent word before, by index: copying `Word`s costs retains on this hot path.
            let previous: Int? = i > 0 && adjacent(i - 1, i) ? i - 1 : nil
            // "MV Kauri", "HMS Belfast": a vessel, named after whoever it was.
            if let p = previous, words[p].allCaps, words[p].lexical.contains(.shipPrefix) { continue }
            // "Busan", "Tromsø": a place that is no name at all; "in Lima": a place named like a person.
            if w.lexical.contains(.place), rosterKeys[i] == nil, !w.isName || inPlaceContext(i) { continue }
            if w.lexical.contains(.place), rosterKeys[i] != nil, inPlaceContext(i) { continue }
            // "long-running", "round-robin": a lowercase compound is a word, whatever its parts.
            if !w.capitalised, w.hyphenated, roster.person(forToken: f) == nil { continue }
            // "Allow-list", "Follow-up": a capitalised compound of everyday words is a word too.
            if w.hyphenated, rosterKeys[i] == nil, f.split(separator: "-").allSatisfy({ isWord(String($0)) }) { continue }
            var score = 0.0
            var why = ""
            let ambiguousWord = w.isEverydayWord || w.isWork
            if let key = rosterKeys[i] {
                person[i] = key
                // A participant named like a tool ("Travis", "Ruby") is still a participant
                // unless the tool's own words follow ("Travis CI"), which is checked below.
                score += w.isWork ? Weight.rosterNameThatIsATool : ambiguousWord ? Weight.rosterNameThatIsAWord : Weight.rosterName
                why = "roster name"
            } else if !w.isEverydayWord, let key = roster.nicknamePerson(f), w.capitalised {
                person[i] = key
                score += roster.nicknames[f] != nil ? Weight.rosterNickname : Weight.rosterShortForm
                why = "nickname of a roster name"
            } else if w.isName || w.hyphenated && f.split(separator: "-").contains(where: { Gazetteer.isName(String($0)) }) {
                score += w.isEverydayWord ? Weight.gazetteerNameThatIsAWord : Weight.gazetteerName
                // At a sentence start capitals say nothing, but a name no dictionary knows as a word still is one.
                if w.capitalised, w.sentenceStart, !w.isEverydayWord, !w.isWork, !w.lexical.contains(.place) { score += Weight.nameAtSentenceStart }
                if w.lexical.contains(.place), w.capitalised { score += Weight.placeAlsoName }
                why = "name (gazetteer)"
            } else if w.capitalised && !w.isEverydayWord && (f.count >= 3 || previous.map { words[$0].capitalised && words[$0].isName } ?? false) {
                score += Weight.unknownCapitalised
                why = "name (context)"
            } else if w.capitalised, w.hyphenated, f.split(separator: "-").allSatisfy({ $0.count <= 4 && !isWord(String($0)) }) {
                score += Weight.hyphenatedGivenName  // "Seo-yeon", "Min-jun"
                why = "name (hyphenated given name)"
            } else if w.capitalised, idBefore(i) {
                score += Weight.unknownCapitalised  // "(Oh Seung-woo)" after an id: even a word is part of the name there
                why = "name (beside an employee id)"
            } else {
                continue
            }
            if !w.capitalised {
                // Lowercase: only a roster name that is not an everyday word ("kavitha", "rohan").
                if person[i] == nil || w.isEverydayWord { score += Weight.lowercase } else if w.isWork { score += Weight.lowercaseRosterTool }
            } else if !w.sentenceStart {
                // Mid-sentence capitals mark a name; for a participant's name that is also a word
                // ("then Memory.") they are the main evidence.
                score += person[i] != nil ? Weight.midSentenceCapitalOfRosterName : Weight.midSentenceCapital
            }
            if w.isWork && person[i] == nil {
                // "Sunday Eze": a name that is also a weekday or tool, followed by another name.
                let beforeName = next(i).map { $0.capitalised && $0.isName && !$0.isWork } ?? false
                score += beforeName && w.isName ? Weight.toolWordBeforeAName : Weight.toolWord
            }
            if let n = next(i), n.lexical.contains(.thingContinuation) { score += Weight.beforeAThingWord }
            if person[i] == nil, describedAsAThing(i) { score += Weight.beforeAThingWord }
            if f.hasPrefix("test") { score += Weight.testAccount }
            // "Google Doc", "Azure Boards": a word right after a product name is part of that product.
            if person[i] == nil, let p = previous, words[p].capitalised, words[p].isWork, !words[p].isName { score += Weight.afterAProductName }
            if person[i] == nil, let p = previous, words[p].lexical.contains(.toolVerb) { score += Weight.afterToolVerb }
            // "our Ruby scripts", "the Jenkins job": a determiner before it makes it a thing.
            if i > 0, adjacent(i - 1, i), words[i - 1].lexical.contains(.determiner) { score += Weight.afterADeterminer }
            base[i] = score
            rule[i] = why
        }

        // Pass 2: context.
        var total = base
        for i in words.indices where base[i] > -10 {
            let w = words[i]
            if possessive(i) { total[i] += person[i] != nil && !w.capitalised ? Weight.possessiveOfLowercaseRosterName : Weight.possessive }
            if !w.capitalised, person[i] == nil, w.isName, !w.isEverydayWord, !w.isWork, lowercasePersonalContext(i) {
                total[i] += Weight.lowercaseInPersonalContext; rule[i] = "name (lowercase, in a personal context)"
            }
            // "Today Robin pastes them": a participant's name as the subject of a verb.
            if person[i] != nil, w.capitalised, let n = next(i), !n.capitalised, n.folded.count > 3, n.folded.hasSuffix("s"),
               !n.folded.hasSuffix("ss"), !n.lexical.contains(.thingContinuation) { total[i] += Weight.rosterNameBeforeAVerb }
            if let n = next(i), n.lexical.contains(.cueAfter), w.capitalised || person[i] != nil {
                total[i] += n.folded == "and" || n.folded == "or" ? Weight.beforeAConjunction : Weight.beforeAPersonVerb
            }
            if let p = prev(i) ?? (i > 0 ? words[i - 1] : nil), p.lexical.contains(.cueBefore) {
                total[i] += Weight.afterACue
                if p.lexical.contains(.contactCue), w.capitalised { total[i] += Weight.afterContactVerb }
            }
            // "Grace from the vendor", "Mark from Networking": a given name introduced by where the person is from.
            if w.capitalised, w.lexical.contains(.givenName), !w.isWork, let n = next(i), n.folded == "from", fromAnOrganisation(i + 1) {
                total[i] += Weight.givenNameFromSomewhere
            }
            if w.capitalised, idBefore(i) || idAfter(i) {
                total[i] += Weight.besideID; rule[i] = "name (beside an employee id)"
            }
            if w.capitalised, w.sentenceStart, !w.isEverydayWord, !w.isWork, let n = next(i), n.lexical.contains(.cueAfter),
               n.folded != "and", n.folded != "or", referredBack(i) {
                total[i] += Weight.referredToAsPerson; if rule[i].isEmpty || rule[i] == "name (context)" { rule[i] = "name (referred to as a person)" }
            }
            if let p = (i > 0 ? words[i - 1] : nil), p.lexical.contains(.honorific), adjacent(i - 1, i), w.capitalised {
                total[i] += Weight.titleOrSignature; rule[i] = "name (after a title)"
            }
            if honorificFollows(w.end) {
                total[i] += Weight.titleOrSignature; rule[i] = "name (before an honorific)"
            }
            if isSignature(t, w), w.capitalised { total[i] += Weight.titleOrSignature; rule[i] = "name (signature)" }
            if w.capitalised, !w.isEverydayWord, !w.isWork, isSpeakerLabel(t, w) { total[i] += Weight.speakerLabel; rule[i] = "name (speaker label)" }
        }
        // Neighbours: a word next to a name of the same roster person, or two capitalised
        // name-like words side by side ("Sunday Eze", "Park Seo-yeon", "Gareth Pryce-Jones").
        var isName = total.map { $0 >= Self.threshold }
        // Two capitalised words side by side that are neither everyday words nor tools, mid-
        // sentence: a full name the gazetteer does not know ("Tamsin O'Rourke").
        for i in words.indices.dropLast() where !isName[i] && !isName[i + 1] && base[i] > -10 && base[i + 1] > -10 && adjacent(i, i + 1) {
            let a = words[i], b = words[i + 1]
            if a.capitalised, b.capitalised, !a.sentenceStart, !a.isEverydayWord, !b.isEverydayWord, base[i] >= Weight.unknownFullNamePart, base[i + 1] >= Weight.unknownFullNamePart,
               !(i + 2 < words.count && adjacent(i + 1, i + 2) && words[i + 2].lexical.contains(.placeWord)) {
                isName[i] = true; isName[i + 1] = true
                rule[i] = "name (two unknown capitalised words)"
            } else if a.capitalised, b.capitalised, a.lexical.contains(.givenName), b.lexical.contains(.familyName), !a.isWork, !b.isWork,
                      base[i] >= Weight.unknownCapitalised, base[i + 1] >= Weight.unknownCapitalised {
                // "Will Barker", "Grace Hopper": a given name then a family name, even if both are words.
                isName[i] = true; isName[i + 1] = true
                rule[i] = "name (given name and family name)"
            }
        }
        for _ in 0..<2 {
            for i in words.indices where !isName[i] && base[i] > -10 {
                for j in [i - 1, i + 1] where j >= 0 && j < words.count && isName[j] && adjacent(min(i, j), max(i, j)) {
                    let samePerson = person[i] != nil && person[i] == person[j] && (words[i].capitalised || !words[i].isEverydayWord)
                    // "Ping Wiremu", "Ask Hamza": a cue before a name is not part of it.
                    let cue = j == i + 1 && words[i].lexical.contains(.cueBefore) && person[i] == nil
                    let nameLike = words[i].capitalised && (base[i] >= 0.5 || words[i].isName) && !cue
                    if samePerson && base[i] + Weight.besideSamePerson >= Self.threshold || nameLike && base[i] + Weight.besideAName >= Self.threshold {
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
                && words[i].capitalised && (person[i] != nil || words[i].isName)
            if withSpeaker { isName[i] = true; rule[i] = "name (\"… and I\")"; continue }
            guard linked else { continue }
            // "We do ask, and Ask asks": a lowercase everyday word stays a word beside the name.
            if person[i] != nil && (words[i].capitalised || !words[i].isEverydayWord) || words[i].isName && !words[i].isEverydayWord {
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
                if words[j + 1].lexical.contains(.particle), !words[j + 1].capitalised, j + 2 < words.count, isName[j + 2], adjacent(j + 1, j + 2) {
                    j += 2; continue
                }
                break
            }
            // "Ho Chi Minh City", "Fête des Lumières": a place or event, not a person.
            if j + 1 < words.count, adjacent(j, j + 1), words[j + 1].lexical.contains(.placeWord), words[j + 1].capitalised {
                i = j + 1; continue
            }
            let key = (i...j).lazy.compactMap { person[$0] }.first
            let range = words[i].range.lowerBound..<words[j].range.upperBound
            spans.append(Span(range: range, kind: .person, rule: rule[i].isEmpty ? "name" : rule[i], subject: key ?? Gazetteer.fold(String(text[range]))))
            i = j + 1
        }
        return spans
    }

    /// Marks the words of every place name of two to four capitalised words ("San Jose",
    /// "Ras Al Khaimah"): a city named after a saint or a person is still a city.
    /// Empty when the text has no such place (most texts: no allocation).
    static func placePhraseWords(_ words: [Word], adjacent: (Int, Int) -> Bool) -> [Bool] {
        var marked: [Bool] = []
        for i in words.indices where words[i].capitalised && words[i].lexical.contains(.placePhraseStart) && i + 1 < words.count
            && (words[i + 1].capitalised || words[i + 1].lexical.contains(.particle)) {
            var key = words[i].folded
            var j = i
            while j + 1 < words.count, j - i < 3, adjacent(j, j + 1) {
                j += 1
                key += " " + words[j].folded
                if Gazetteer.placePhrases.contains(key), words[j].capitalised {
                    if marked.isEmpty { marked = [Bool](repeating: false, count: words.count) }
                    for k in i...j { marked[k] = true }
                }
            }
        }
        return marked
    }

    /// "Kofi: we need a rollback", a chat transcript's speaker: the word starts the text or a line
    /// and a colon and a space follow it (not "10:30" or "https:").
    func isSpeakerLabel(_ t: ScalarText, _ w: Word) -> Bool {
        guard t[w.end] == ":", t[w.end + 1] == " " else { return false }
        var k = w.start - 1
        while k >= 0, t.scalars[k] == " " || t.scalars[k] == "\t" { k -= 1 }
        return k < 0 || t.scalars[k] == "\n"
    }

    /// "— Wanjiru, Ops lead" or "(Written by me, Chiara)": a name right after a dash or "by me,".
    func isSignature(_ t: ScalarText, _ w: Word) -> Bool {
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
