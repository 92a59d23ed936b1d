import DetenteModel
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
                out.append(
                    Word(
                        start: i, end: end, range: t.range(i, end), folded: folded, sentenceStart: sentenceStart,
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
    static let cueBefore: Set<String> = [
        "ask", "asked", "asking", "ping", "pinged", "call", "called", "calling", "rang", "ring", "rings",
        "email", "emailed", "mail", "mailed", "tell", "told", "page", "paged", "paging", "thanks", "thank", "cc",
        "by", "with", "dm", "dmed", "dming", "messaged", "contact", "colleague", "manager", "boss",
        "like", "except", "whom", "and", "or", "me", "sorry", "dear", "hi", "hello", "hey", "from",
        "phone", "phoned", "phoning", "messaging", "message", "texted", "texting", "pinging", "contacted",
        "bleep", "bleeped", "bleeping", "nudge", "nudged", "escalate", "escalated"
    ]
    /// Verbs of reaching a person: after one, even a name that is also a word is a name
    /// ("phoning Brad", "ask Grace"). A subset of `cueBefore`, weighed more.
    static let contactCues: Set<String> = [
        "ask", "asked", "asking", "ping", "pinged", "pinging", "call", "called", "calling", "phone",
        "phoned", "phoning", "ring", "rang", "ringing", "email", "emailed", "emailing", "mail", "mailed",
        "message", "messaged", "messaging", "text", "texted", "texting", "tell", "told", "telling",
        "thank", "thanks", "cc", "dm", "dmed", "dming", "contact", "contacted", "contacting", "dear",
        "hi", "hello", "hey", "page", "paged", "paging", "bleep", "bleeped", "bleeping", "nudge", "nudged", "escalate", "escalated"
    ]
    /// Verbs that take a tool or system as object: "run Flyway", "deploy Kestrel", "migrate to Vitess".
    static let toolVerbs: Set<String> = [
        "run", "runs", "running", "use", "uses", "using", "install", "installs", "installed", "installing",
        "deploy", "deploys", "deployed", "upgrade", "upgrades", "upgraded", "configure", "configured",
        "restart", "restarts", "restarted", "enable", "enabled", "disable", "disabled", "migrate",
        "migrated", "adopt", "adopted", "replace", "replaced", "patch", "patched", "scan", "scanned",
        "query", "queried", "build", "compile", "compiled", "benchmark", "license", "licence"
    ]
    /// Words that refer back to a person: "Kasia is the exception: she …", "… the engineer who …".
    static let personalReferences: Set<String> = ["she", "he", "her", "him", "his", "hers", "herself", "himself", "who", "whom", "whose"]

    /// Nouns for a person's role ("the platform owner", "our Kafka expert").
    static let roleNouns: Set<String> = [
        "owner", "owners", "lead", "engineer", "engineers", "manager", "admin", "administrator", "expert",
        "person", "guy", "contact", "champion", "maintainer", "author", "architect", "developer", "specialist"
    ]
    /// Job titles that stand alone in an apposition ("Priya, the DBA"): general IT job titles.
    static let roleTitles: Set<String> = [
        "dba", "sre", "sysadmin", "cto", "cio", "ciso", "ceo", "coo", "cfo", "vp", "director", "analyst", "consultant",
        "tester", "intern", "contractor", "nurse", "doctor", "clinician", "surgeon", "receptionist", "technician"
    ]
    /// Nouns for a group of people one can be "from" (a general list of organisation words).
    static let organisationNouns: Set<String> = [
        "vendor", "vendors", "supplier", "team", "company", "firm", "agency", "department", "office",
        "partner", "client", "customer", "contractor", "consultancy", "bank", "council", "ministry",
        "regulator", "auditor", "auditors", "union", "board", "branch", "subsidiary", "carrier",
        "provider", "integrator", "startup", "lab", "group", "squad", "desk", "noc", "soc",
        "helpdesk", "hospital", "university", "school", "plant", "site", "depot", "warehouse"
    ]

    /// Prepositions after which a place name is a place ("in Busan", "via Lima").
    static let placePrepositions: Set<String> = ["in", "near", "via", "across", "outside", "inside", "around", "between", "throughout"]

    static let determiners: Set<String> = ["the", "a", "an", "our", "their", "your", "my", "its", "this", "that", "these", "those", "his", "her"]

    /// Words after a person: "Travis says", "Cassandra knows", "Bryce from the vendor".
    static let cueAfter: Set<String> = [
        "said", "says", "asked", "asks", "told", "tells", "wrote", "writes", "thinks", "thought", "runs", "ran",
        "knows", "knew", "fixed", "fixes", "owns", "owned", "built", "builds", "is", "was", "has", "had",
        "and", "or", "who", "from", "gave", "gives", "quoted", "left", "joined", "approves", "approved",
        "signs", "signed", "came", "comes", "covers", "covered", "stayed", "shows", "showed", "keeps", "kept",
        "does", "did", "reads", "read", "rewrote", "rewrites", "explained", "explains", "found", "finds",
        "insists", "insisted", "wants", "wanted", "needs", "needed", "patched", "restarts", "restarted",
        "understands", "understood", "answers", "answered", "replied", "replies", "offered", "offers"
    ]

    /// Evidence for one word being (part of) a person's name; a word is a name at this score.
    static let threshold = Weight.threshold

    /// Every person's name in `text`, as spans; words inside `taken` (the pattern detector's
    /// emails, links and ids) are not considered.
    func detect(_ text: String, excluding taken: [Span]) -> [Span] {
        let t = ScalarText(text)
        let words = Self.words(in: t)
        guard !words.isEmpty else { return [] }
        var scan = NameScan(text: text, scalars: t, words: words, roster: roster, taken: taken)
        return scan.spans()
    }

    /// Marks the words of every place name of two to four capitalised words ("San Jose",
    /// "Ras Al Khaimah"): a city named after a saint or a person is still a city.
    /// Empty when the text has no such place (most texts: no allocation).
    static func placePhraseWords(_ words: [Word], adjacent: (Int, Int) -> Bool) -> [Bool] {
        var marked: [Bool] = []
        for i in words.indices
        where words[i].capitalised && words[i].lexical.contains(.placePhraseStart) && i + 1 < words.count
            && (words[i + 1].capitalised || words[i + 1].lexical.contains(.particle))
        {
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
}
