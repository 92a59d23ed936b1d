import DetenteModel
/// Clause wording: a third-person commitment naming who does what for whom ("Ops provides Dev
/// with read-only access to the production logs"), built from a parsed ask. The original
/// wording stays the clause's source.
import Foundation

enum AgreementClauseText {
    /// "Dev", "Dev and Security", "Dev, Ops and Security".
    static func names(_ departments: [Department]) -> String {
        let n = departments.map(DepartmentName.display)
        if n.count <= 1 { return n.first ?? "" }
        return n.dropLast().joined(separator: ", ") + " and " + n.last!
    }

    /// Third person singular of a verb lemma (English regular rules, a few irregulars).
    static func thirdPerson(_ verb: String, plural: Bool) -> String {
        if plural { return verb == "be" ? "are" : verb }
        switch verb {
        case "be": return "is"
        case "have": return "has"
        case "do": return "does"
        case "go": return "goes"
        default: break
        }
        if ["s", "sh", "ch", "x", "z", "o"].contains(where: verb.hasSuffix) { return verb + "es" }
        if verb.hasSuffix("y"), let before = verb.dropLast().last, !"aeiou".contains(before) { return verb.dropLast() + "ies" }
        return verb + "s"
    }

    /// First and second person replaced by the departments: "us" is the asker, "you" the doer.
    static func thirdPersonWords(_ words: [String], asker: String, doer: String) -> [String] {
        words.map { w in
            switch w {
            case "us", "we", "me", "i": return asker
            case "our", "ours", "my": return asker + "’s"
            case "ourselves", "ourself", "myself", "yourselves", "yourself": return "themselves"
            case "you": return doer
            case "your", "yours": return doer + "’s"
            default: return w
            }
        }
    }

    /// "Ops provides Dev with …", "Ops lets Dev deploy …", "Ops publishes the change calendar for Dev".
    static func commitment(_ ask: Ask, doers: [Department], askers: [Department], together: Bool = false, casing: [String: String] = [:]) -> String {
        let asker = names(askers)
        let doer = names(doers) + (together ? " together" : "")
        let plural = doers.count > 1
        var words = recased(ask.core.split(separator: " ").map(String.init), casing)
        while let w = words.first, Lexicon.tags(w.lowercased()).contains(.auxiliary) { words.removeFirst() }
        guard let first = words.first?.lowercased() else { return "\(doer) \(thirdPerson("act", plural: plural)) on what \(asker) asked" }
        let lemma = Lexicon.lemma(first)
        let isVerb = AskParser.opensWithVerb(words.map { $0.lowercased() })
        if ask.negation == .stop {
            // "Stop paging us for warnings": the commitment keeps the -ing form ("Ops stops paging Dev…").
            return "\(doer) \(thirdPerson("stop", plural: plural)) " + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        if ask.negation == .never && isVerb {
            return "\(doer) \(thirdPerson("do", plural: plural)) not " + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        if ask.askerActs && isVerb && !AskParser.supportVerbs.contains(lemma) {
            // "We need to restart our own channels": the other side lets the asker do it.
            return "\(doer) \(thirdPerson("let", plural: plural)) \(asker) " + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        if !isVerb && AskParser.isDeclarative(words.map { $0.lowercased() }) {
            // "Changes come from source control": a rule both keep, stated as agreed.
            return "\(doer) \(thirdPerson("agree", plural: plural)) with \(asker) that " + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        if isVerb { words.removeFirst() }
        if isVerb, lemma == "be" {
            return "\(doer) \(thirdPerson("be", plural: plural)) " + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        // "Give Ops a slot": the beneficiary named by its department is the asker already named.
        if isVerb, AskParser.supportVerbs.contains(lemma), let next = words.first, Coach.allGroupNames.contains(next.lowercased()) { words.removeFirst() }
        if isVerb, ["let", "allow"].contains(lemma) {
            // "Let us deploy" lets the asker; "Let one developer shadow…" names who is let.
            let whom: String
            if let next = words.first, ["us", "me"].contains(next) { words.removeFirst(); whom = asker + " " } else { whom = "" }
            return "\(doer) \(thirdPerson(lemma, plural: plural)) \(whom)" + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        if isVerb, lemma == "give", let next = words.first?.lowercased(), !["us", "me", "a", "an", "the"].contains(next) {
            // "Give each service a health check": the recipient is named, not the asker.
            return "\(doer) \(thirdPerson("give", plural: plural)) " + thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        }
        if !isVerb || AskParser.supportVerbs.contains(lemma) {
            if let next = words.first, ["us", "me"].contains(next) { words.removeFirst() }
            let object = thirdPersonWords(words, asker: asker, doer: doer)
            if together { return "\(doer) \(thirdPerson("set", plural: true)) up " + object.joined(separator: " ") }
            return "\(doer) \(thirdPerson("provide", plural: plural)) \(asker) with " + object.joined(separator: " ")
        }
        let rest = thirdPersonWords(words, asker: asker, doer: doer).joined(separator: " ")
        let forWhom = together || words.contains(where: { ["us", "we", "our", "me"].contains($0) }) ? "" : " for \(asker)"
        return "\(doer) \(thirdPerson(lemma, plural: plural)) \(rest)\(forWhom)".replacingOccurrences(of: "  ", with: " ")
    }

    /// Each distinct condition once, in the order the asks give them.
    static func conditions(_ asks: [Ask], doers: [Department], askers: [Department], casing: [String: String] = [:]) -> String {
        var seen: [String] = []
        for c in asks.compactMap(\.condition) where !seen.contains(c) { seen.append(c) }
        let worded = seen.map {
            thirdPersonWords(recased($0.split(separator: " ").map(String.init), casing), asker: names(askers), doer: names(doers)).joined(separator: " ")
        }
        return worded.isEmpty ? "" : ", " + worded.joined(separator: "; and ")
    }

    /// A sentence from several asks that are one commitment: the first in full, the others as
    /// what it also covers, so every source ask appears in the text. Each distinct condition is
    /// said once; an ask whose rewrite would not be faithful is quoted (`ClauseWording`).
    static func groupText(
        _ members: [(ask: Ask, text: String)], doers: [Department], askers: [Department], together: Bool, casing: [String: String]
    ) -> String {
        guard !members.isEmpty else { return "" }
        var stated: [String] = []
        let worded = members.map { member -> String in
            var bare = member.ask
            bare.condition = nil
            var rewrite = commitment(bare, doers: doers, askers: askers, together: together, casing: casing)
            if let c = member.ask.condition, !stated.contains(c) {
                rewrite += conditions([member.ask], doers: doers, askers: askers, casing: casing)
            }
            let said = stated.joined(separator: " ")
            guard ClauseWording.isFaithful(rewrite + " " + said, to: member.text, ask: member.ask) else {
                return ClauseWording.quoted(member.text, doers: doers, askers: askers, together: together)
            }
            if let c = member.ask.condition, !stated.contains(c) { stated.append(c) }
            return rewrite
        }
        var text = ClauseWording.terminated(worded[0])
        if worded.count > 1 { text += " This also covers: " + ClauseWording.terminated(worded.dropFirst().joined(separator: "; ")) }
        return capitalised(text)
    }

    static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// Lowercase word → its spelling in the original text ("zabbix" → "Zabbix", "q3" → "Q3"),
    /// read only where a capital is not just the start of a sentence.
    static func casing(of text: String) -> [String: String] {
        var map: [String: String] = [:]
        var run = String.UnicodeScalarView()
        var sentenceStart = true, runAtStart = true
        func flush() {
            defer { run = String.UnicodeScalarView() }
            var word = String(run)
            while let f = word.first, f == "-" || f == "'" || f == "’" { word.removeFirst() }
            while let l = word.last, l == "-" || l == "'" || l == "’" { word.removeLast() }
            guard !word.isEmpty else { return }
            var key = word.lowercased()
            if key.unicodeScalars.contains("’") { key = String(String.UnicodeScalarView(key.unicodeScalars.map { $0 == "’" ? "'" : $0 })) }
            let inner = word.unicodeScalars.dropFirst().contains { $0.isASCII ? ("A"..."Z").contains($0) : $0.properties.isUppercase }
            if inner || !runAtStart { if map[key] == nil || map[key] == key { map[key] = word } } else if map[key] == nil { map[key] = key }
        }
        for ch in text.unicodeScalars {
            let wordScalar =
                ch.isASCII
                ? (("a"..."z").contains(ch) || ("A"..."Z").contains(ch) || ("0"..."9").contains(ch))
                : (ch.properties.isAlphabetic || ch.properties.numericType != nil)
            if wordScalar || ch == "-" || ch == "'" || ch == "’" {
                if run.isEmpty { runAtStart = sentenceStart }
                run.append(ch); sentenceStart = false
            } else {
                flush()
                if sentenceBreaks.contains(ch) { sentenceStart = true }
            }
        }
        flush()
        return map
    }
    static let sentenceBreaks: Set<Unicode.Scalar> = [".", "!", "?", ":", ";", "\"", "“", "("]

    /// Words in their original spelling, except a sentence-initial capital.
    static func recased(_ words: [String], _ casing: [String: String]) -> [String] {
        words.map { casing[$0] ?? $0 }
    }
}
