import DetenteModel
import Foundation

/// Contact details and ids: emails, URLs that identify a person, chat handles, IP addresses,
/// phone numbers and employee ids. Each pattern is written for the general shape of the
/// identifier and checked against the look-alikes that must survive (versions, OIDs, dates,
/// ticket ids, group mentions).
enum PatternDetector {
    typealias Span = Anonymiser.Span

    static func regex(_ p: String, _ options: NSRegularExpression.Options = []) -> NSRegularExpression {
        try! NSRegularExpression(pattern: p, options: options)
    }

    static let email = regex(#"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"#)
    static let url = regex(#"\b(?:https?://|www\.)[^\s<>"'`]+"#, [.caseInsensitive])
    static let handle = regex(#"(?<![\w.@/])@[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9](?::[A-Za-z0-9.-]+\.[A-Za-z]{2,})?"#)
    static let ipv4 = regex(#"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"#)
    static let ipv6 = regex(#"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}:?(?:[0-9A-Fa-f]{1,4}:?){0,7}[0-9A-Fa-f]{1,4}(?![\w:])"#)
    static let phone = regex(
        #"(?<![\w+/.-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{1,6}){1,5}|\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]\d{2,5}){1,3}|00[1-9]\d{0,2}(?:[ .-]\d{1,8}){1,5}|0\d{1,4}(?:[ .-]\d{2,6}){1,4}|\d{3}[.-]\d{3}[.-]\d{4})(?:,?\s?(?:ext\.?|x|extension|poste|anexo|ramal|ankn\.?|anknytning|durchwahl|wew\.?|interno)\s?\d{2,6})?(?![\w-]|[.:]\d)"#,
        [.caseInsensitive])
    /// "555-0142": a seven-digit local number, a phone only after a word that says so.
    static let localNumber = regex(#"(?<![\w+/.-])\d{3}[.-]\d{4}(?![\w-]|[.:]\d)"#)
    static let phoneCues: Set<String> = ["call", "calling", "phone", "phoned", "phoning", "tel", "telephone", "mobile", "cell", "ring", "dial",
                                         "text", "sms", "fax", "whatsapp", "landline", "number", "on"]
    static let extensionOnly = regex(#"(?<![\w-])x\d{3,5}\b"#)
    static let bleep = regex(#"\b(?:bleep|pager|beeper|extension|ext\.?)\s+(?:no\.?\s+|number\s+)?(\d{3,6})\b"#, [.caseInsensitive])
    /// Employee-id shapes: `E1234`, `KF-70388`, multi-part prefixes (`KM-LK-30417`, `SAV/GH/0091`),
    /// digit groups (`88-1140`) and bare digit runs; which of them are ids is decided in context.
    static let idLike = regex(#"(?<![\w/-])(?:[A-Z]{1,5}(?:[-/][A-Z]{1,4}){0,3}[-/]?\d{4,8}|\d{2,4}-\d{3,6}|\d{5,8})(?![\w-]|[./]\d)"#)
    /// A prefix and digits separated by a space (`WDC 000731`): an id only next to a name or a cue.
    static let spacedID = regex(#"(?<![\w/-])[A-Z]{2,5} \d{5,8}(?![\w-]|[./]\d)"#)

    /// Group mentions and team handles: not a person.
    static let groupHandleWords: Set<String> = [
        "here", "channel", "all", "everyone", "team", "oncall", "on-call", "duty", "ops", "dev", "devs", "sre", "support", "help",
        "helpdesk", "admins", "admin", "alerts", "release", "releases", "deploy", "incident", "incidents", "security", "sec", "dba",
        "platform", "infra", "noc", "soc", "qa", "liveops", "netops", "devops", "secops", "sysadmins", "oncallers", "leads",
        "managers", "group", "squad", "crew", "bot", "ci", "build", "builds",
    ]
    /// Service accounts before an @ are not personal mailboxes.
    static let serviceLocalParts: Set<String> = ["git", "root", "admin", "noreply", "no-reply", "jenkins", "deploy", "ci", "postmaster",
                                                 "ops", "support", "help", "helpdesk", "security", "info", "alerts", "oncall", "team", "dev", "sre", "dba"]
    /// Standards bodies and regulations whose document numbers look like multi-part ids.
    static let standardsBodies: Set<String> = ["ISO", "IEC", "EN", "DIN", "BS", "NIST", "SP", "FIPS", "ETSI", "IEEE", "ANSI", "ITU", "RTS",
                                               "ITS", "DORA", "NIS", "GDPR", "EU", "CIS", "OWASP", "ASVS", "DSS", "HIPAA", "SOX", "NERC", "CIP"]
    /// Words that call a number a person's: English, and "employee", "staff/personnel number" and
    /// "badge" in the languages of the supported regions (Wiktionary translation tables, CC BY-SA).
    static let strongIDCues: Set<String> = ["staff", "employee", "employees", "personnel", "contractor", "contractors", "vendor", "badge",
                                            "payroll", "worker", "locum", "locums", "emp", "hr", "pernr",
                                            "empleado", "empleada", "funcionario", "funcionário", "colaborador", "matrícula", "matricula",
                                            "matricule", "salarié", "salarie", "employé", "employe", "mitarbeiter", "personalnummer",
                                            "personalnr", "mitarbeiternummer", "personeelsnummer", "dipendente", "matricola",
                                            "anställningsnummer", "anst", "ansattnummer", "työntekijä", "henkilönumero", "osobní",
                                            "zaměstnanec", "pracownik", "pracownika", "służbowy", "працівник", "табельний", "табельный"]
    static let ticketPrefixes: Set<String> = ["CHG", "INC", "RITM", "REQ", "PRB", "TASK", "KB", "CVE", "SR", "PO", "ORA", "MR", "PR", "CR",
                                              "RFC", "JIRA", "SEV", "P", "Q", "ISO", "SOC", "PCI", "SHP", "MSCU", "BUG", "CASE", "CS", "TKT", "WO"]

    /// What a text contains, counted in one pass over its bytes: a pattern runs only where its
    /// identifier could be (no '@', no email; fewer than seven digits, no phone number).
    struct Cues {
        var at = false, urlStart = false
        var digits = 0, colons = 0
        /// Longest run of digits.
        var longestDigitRun = 0
        /// Id shapes: five digits in a row, or four after a capital letter or a dash ("E1234", "CTR-0932").
        var idShape = false
        /// "WDC 000731": five digits after a capital letter and a space.
        var spacedIDShape = false
        /// "1.2" shapes: an IPv4 address has three.
        var dottedDigits = 0
        /// "x1234": an extension.
        var extensionShape = false
        /// "555-0142": three digits, a dot or dash, four digits.
        var localNumberShape = false
        /// "ext", "pager", "bleep", "beeper": a short number after them is a phone number.
        var extensionWord = false

        init(_ text: String) {
            var previous: UInt8 = 0, beforePrevious: UInt8 = 0, third: UInt8 = 0
            var run = 0
            var xBeforeRun = false, letterBeforeRun = false, capitalSpaceBeforeRun = false
            var threeThenSeparator = false, afterThreeAndSeparator = false
            var nonASCII = false
            func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
            for byte in text.utf8 {
                let lower = byte | 0x20
                switch byte {
                case UInt8(ascii: "@"): at = true
                case UInt8(ascii: "."):
                    if previous | 0x20 == UInt8(ascii: "w"), beforePrevious | 0x20 == UInt8(ascii: "w"), third | 0x20 == UInt8(ascii: "w") { urlStart = true }
                case UInt8(ascii: ":"): colons += 1
                case UInt8(ascii: "/"): if previous == UInt8(ascii: "/"), beforePrevious == UInt8(ascii: ":") { urlStart = true }
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    digits += 1
                    if run == 0 {
                        xBeforeRun = previous | 0x20 == UInt8(ascii: "x")
                        letterBeforeRun = previous &- UInt8(ascii: "A") < 26 || previous == UInt8(ascii: "-") || previous == UInt8(ascii: "/")
                        capitalSpaceBeforeRun = previous == UInt8(ascii: " ") && beforePrevious &- UInt8(ascii: "A") < 26
                        afterThreeAndSeparator = threeThenSeparator
                    }
                    run += 1
                    if run >= 5 || run == 4 && letterBeforeRun { idShape = true }
                    if run == 5 && capitalSpaceBeforeRun { spacedIDShape = true }
                    longestDigitRun = max(longestDigitRun, run)
                    if run >= 3 && xBeforeRun { extensionShape = true }
                    if previous == UInt8(ascii: "."), isDigit(beforePrevious) { dottedDigits += 1 }
                case 0x80...: nonASCII = true
                default: break
                }
                if !isDigit(byte) {
                    if run == 4 && afterThreeAndSeparator { localNumberShape = true }
                    threeThenSeparator = run == 3 && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "."))
                    run = 0
                }
                if lower == UInt8(ascii: "t") && beforePrevious | 0x20 == UInt8(ascii: "e") && previous | 0x20 == UInt8(ascii: "x")
                    || lower == UInt8(ascii: "p") && beforePrevious | 0x20 == UInt8(ascii: "e") && previous | 0x20 == UInt8(ascii: "e")
                    || lower == UInt8(ascii: "r") && beforePrevious | 0x20 == UInt8(ascii: "g") && previous | 0x20 == UInt8(ascii: "e") {
                    extensionWord = true  // "ext", "bleep"/"beeper", "pager"
                }
                third = beforePrevious; beforePrevious = previous; previous = byte
            }
            if run == 4 && afterThreeAndSeparator { localNumberShape = true }
            // Other scripts' digits (٣, ３) match the patterns' \d too: no shortcuts for such text.
            if nonASCII, text.unicodeScalars.contains(where: { !$0.isASCII && $0.properties.numericType == .decimal }) {
                self = .everything
            }
        }

        /// Every pattern runs over the whole text: for full scans, and for text whose digits the
        /// byte cues cannot see.
        static let everything = Cues(everything: ())
        /// Whether the byte cues describe the text (false for `everything`).
        private(set) var fromBytes = true

        private init(everything: ()) {
            fromBytes = false
            at = true; urlStart = true; digits = .max; colons = .max; longestDigitRun = .max; idShape = true; spacedIDShape = true; dottedDigits = .max
            extensionShape = true; extensionWord = true; localNumberShape = true
        }
    }

    /// A pattern's match as a range of the text.
    struct Match {
        var range: Range<String.Index>
        var value: Substring
    }

    /// Runs `pattern` over the whole text.
    static func matches(_ pattern: NSRegularExpression, in text: String) -> [Match] {
        pattern.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)).compactMap { m in
            Range(m.range, in: text).map { Match(range: $0, value: text[$0]) }
        }
    }

    /// Runs `pattern` over each whitespace-delimited token that contains `trigger`. For a pattern
    /// that cannot match whitespace this finds exactly what a whole-text run finds (a token's
    /// edges are whitespace, which no lookbehind class or word boundary here treats as part of a
    /// word), at a fraction of the cost: the regex engine tries every start position.
    static func matchesInTokens(_ pattern: NSRegularExpression, in text: String, trigger: (UInt8) -> Bool) -> [Match] {
        var out: [Match] = []
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i < utf8.endIndex {
            while i < utf8.endIndex, isASCIIWhitespace(utf8[i]) { utf8.formIndex(after: &i) }
            let start = i
            var triggered = false
            while i < utf8.endIndex, !isASCIIWhitespace(utf8[i]) {
                if !triggered, trigger(utf8[i]) { triggered = true }
                utf8.formIndex(after: &i)
            }
            guard triggered else { continue }
            let token = String(text[start..<i])
            for m in pattern.matches(in: token, range: NSRange(location: 0, length: token.utf16.count)) {
                guard let r = Range(m.range, in: token) else { continue }
                let lower = utf8.index(start, offsetBy: token.utf8.distance(from: token.startIndex, to: r.lowerBound))
                let upper = utf8.index(start, offsetBy: token.utf8.distance(from: token.startIndex, to: r.upperBound))
                out.append(Match(range: lower..<upper, value: text[lower..<upper]))
            }
        }
        return out
    }

    static func isASCIIWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
    static func isDigitByte(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// `shortcuts: false` runs every pattern over the whole text; tests use it to show that the
    /// byte cues and token windows change nothing but the time taken.
    static func detect(_ text: String, roster: RosterIndex, shortcuts: Bool = true) -> [Span] {
        let cues = shortcuts ? Cues(text) : Cues.everything
        guard cues.at || cues.urlStart || cues.digits >= 3 || cues.colons >= 2 else { return [] }
        var spans: [Span] = []
        func add(_ range: Range<String.Index>, _ kind: PIIKind, _ rule: String) {
            if spans.contains(where: { $0.range.overlaps(range) }) { return }
            spans.append(Span(range: range, kind: kind, rule: rule))
        }
        func scan(_ pattern: NSRegularExpression, when cue: Bool, tokensWith trigger: ((UInt8) -> Bool)? = nil) -> [Match] {
            guard cue else { return [] }
            // Another script's digits defeat the byte triggers: search the whole text then.
            if let trigger, cues.fromBytes { return matchesInTokens(pattern, in: text, trigger: trigger) }
            return matches(pattern, in: text)
        }

        for m in scan(url, when: cues.urlStart) {
            var r = m.range
            // Trailing punctuation belongs to the sentence, not the link.
            while r.lowerBound < r.upperBound, let last = text[text.index(before: r.upperBound)].unicodeScalars.first,
                  ".,;:!?)]}".unicodeScalars.contains(last) {
                if last == ")", text[r].includes("(") { break }
                r = r.lowerBound..<text.index(before: r.upperBound)
            }
            if let rule = URLPolicy.personalRule(String(text[r]), roster: roster) { add(r, .url, rule) } else {
                // An ordinary link is kept, and nothing inside it is treated as a handle or an ip.
                spans.append(Span(range: r, kind: .url, rule: "keep"))
            }
        }
        let at: (UInt8) -> Bool = { $0 == UInt8(ascii: "@") }
        for m in scan(email, when: cues.at, tokensWith: at) {
            let local = m.value.split(separator: "@").first.map { $0.lowercased() } ?? ""
            if serviceLocalParts.contains(local) || isRoleMailbox(local) { continue }
            add(m.range, .email, "email address")
        }
        for m in scan(handle, when: cues.at, tokensWith: at) {
            let name = m.value.dropFirst().split(separator: ":").first.map(String.init) ?? ""
            let parts = name.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map(String.init)
            if parts.contains(where: groupHandleWords.contains) || groupHandleWords.contains(name.lowercased()) { continue }
            // "@sha256:…" and similar digests are not handles.
            if name.lowercased().hasPrefix("sha") && name.dropFirst(3).allSatisfy(\.isNumber) { continue }
            add(m.range, .handle, "chat handle")
        }
        for m in scan(ipv4, when: cues.dottedDigits >= 3, tokensWith: isDigitByte) {
            let parts = m.value.split(separator: ".").compactMap { Int($0) }
            guard parts.count == 4, parts.allSatisfy({ $0 <= 255 }) else { continue }
            if followsVersionWord(text[..<m.range.lowerBound]) { continue }
            add(m.range, .ip, "IPv4 address")
        }
        for m in scan(ipv6, when: cues.colons >= 2, tokensWith: { $0 == UInt8(ascii: ":") }) {
            let value = m.value
            let colons = value.filter { $0 == ":" }.count
            guard colons >= 2, value.includes("::") || colons == 7, value.contains(where: \.isNumber) else { continue }
            // Times such as 12:30:45 are not addresses: require a hex letter or a '::'.
            if !value.includes("::"), !value.contains(where: { $0.isLetter }) { continue }
            add(m.range, .ip, "IPv6 address")
        }
        // Phone numbers contain spaces: the whole text is searched.
        for m in scan(phone, when: cues.digits >= 7) {
            let digits = m.value.filter(\.isNumber).count
            guard (7...18).contains(digits) else { continue }
            if looksLikeDate(String(m.value)) { continue }
            add(m.range, .phone, "phone number")
        }
        for m in scan(localNumber, when: cues.localNumberShape, tokensWith: isDigitByte) where !spans.contains(where: { $0.range.overlaps(m.range) }) {
            let before = Tokens.words(String(text[..<m.range.lowerBound].suffix(24))).suffix(2)
            if before.contains(where: phoneCues.contains) { add(m.range, .phone, "local phone number") }
        }
        if cues.extensionWord && cues.longestDigitRun >= 3 {
            for m in bleep.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)) where m.numberOfRanges > 1 {
                if let r = Range(m.range(at: 1), in: text) { add(r, .phone, "bleep or extension number") }
            }
        }
        for m in scan(extensionOnly, when: cues.extensionShape, tokensWith: isDigitByte) {
            add(m.range, .phone, "phone extension")
        }
        // A text that talks about staff numbers makes a long id-shaped token in it an id.
        var documentCue: Bool?
        for m in scan(idLike, when: cues.idShape, tokensWith: isDigitByte) {
            // Already part of a phone number or an address: nothing to decide.
            if spans.contains(where: { $0.range.overlaps(m.range) }) { continue }
            let cue = documentCue ?? Tokens.words(text).contains(where: strongIDCues.contains)
            documentCue = cue
            if isEmployeeID(String(m.value), at: m.range, in: text, documentCue: cue) { add(m.range, .employeeID, "employee id") }
        }
        for m in scan(spacedID, when: cues.spacedIDShape) where !spans.contains(where: { $0.range.overlaps(m.range) }) {
            if isEmployeeID(String(m.value), at: m.range, in: text, documentCue: false) { add(m.range, .employeeID, "employee id") }
        }
        // Spans with rule "keep" are ordinary links: they shield their insides and are dropped later.
        return spans
    }

    /// "dba-oncall@", "security-team@": a team or role mailbox identifies no person. Every part of
    /// the local name is a team or service word, or one part says it is a shared inbox.
    static func isRoleMailbox(_ local: String) -> Bool {
        let parts = local.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "_" || $0 == "+" }).map(String.init)
        guard !parts.isEmpty else { return false }
        if parts.allSatisfy({ groupHandleWords.contains($0) || serviceLocalParts.contains($0) }) { return true }
        return parts.contains(where: sharedInboxWords.contains)
    }
    static let sharedInboxWords: Set<String> = ["oncall", "on-call", "team", "duty", "helpdesk", "servicedesk", "noreply", "alerts", "rota"]

    /// "version 5.2.0.41", "upgraded the driver to 5.2.0.41": a four-part version number is not an address.
    static func followsVersionWord(_ before: Substring) -> Bool {
        var words = Tokens.words(String(before.suffix(48)))
        if words.last == "to" || words.last == "from" {
            words.removeLast()
            return words.suffix(3).contains(where: versionWords.contains)
        }
        return words.last.map(versionWords.contains) ?? false
    }
    static let versionWords: Set<String> = ["version", "versions", "ver", "v", "release", "build", "firmware", "driver", "patch", "upgrade",
                                            "upgraded", "upgrading", "downgrade", "downgraded", "bump", "bumped", "pinned", "pin"]

    static func looksLikeDate(_ s: String) -> Bool {
        let parts = s.split(whereSeparator: { !$0.isNumber })
        if parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2 { return true }
        return false
    }

    /// Whether an id-shaped token names a person's staff, contractor or vendor number. Evidence:
    /// a cue word before it, a name right before it ("Name (ID)") or right after it ("ID (Name)"),
    /// and its shape (a multi-part prefix is an HR scheme, a Jira key has one). Guards: ticket and
    /// change prefixes, dates, and the single-prefix Jira shape without other evidence.
    static func isEmployeeID(_ value: String, at range: Range<String.Index>, in text: String, documentCue documentMentionsIDs: Bool) -> Bool {
        let shape = IDShape(value)
        if let first = shape.prefixes.first, ticketPrefixes.contains(first), shape.prefixes.count == 1 { return false }
        if shape.prefixes.isEmpty, shape.digitCount < 5, !value.includes("-") { return false }
        if looksLikeDate(value) { return false }
        let before = String(text[..<range.lowerBound].suffix(80))
        let window = Array(Tokens.words(before).suffix(6))
        // "id", "number" and "no." count only as part of "staff number", "personnel no.": a
        // container number or a ticket number is not a person's id.
        let strong = window.contains(where: strongIDCues.contains)
        let weakOnly = window.contains { ["id", "ids", "quoted"].contains($0) }
        let documentCue = shape.digitCount >= 5 && documentMentionsIDs
        let nextToName = followsName(before) || precedesName(text[range.upperBound...])
        if shape.prefixes.isEmpty {
            // "88-1140" is a range or a code unless a strong cue calls it a number of a person.
            return value.includes("-") ? strong : strong || weakOnly || documentCue || nextToName
        }
        if shape.separator == " " { return strong || nextToName }
        if shape.prefixes.count >= 2 {
            // "ISO-IEC-27001", "DORA-RTS-2024": a standard or a regulation, not a person's number.
            let standard = shape.prefixes.contains { ticketPrefixes.contains($0) || standardsBodies.contains($0) }
            return strong || nextToName || !standard && !shape.endsInYear
        }
        if shape.separator != nil {
            // PREFIX-1234 is a ticket by default (the Jira shape); an id only when something says so.
            return strong || weakOnly || documentCue || nextToName
        }
        return strong || weakOnly || documentCue || nextToName || (shape.prefixes[0].count <= 3 && shape.digitCount >= 6)
    }

    /// "Mariana Oyelaran-Cruz (CTR-0932)", "Omar Haddadi, WDC 000731": a capitalised word, then an
    /// opening bracket or a comma, then the id.
    static func followsName(_ before: String) -> Bool {
        var trimmed = Substring(before)
        while let last = trimmed.last, last.isWhitespace && !last.isNewline { trimmed = trimmed.dropLast() }
        guard let last = trimmed.last, last == "(" || last == "," || last == "\"" || last == "“" else { return false }
        let word = trimmed.dropLast().split(separator: " ").last ?? ""
        return word.first?.isUppercase ?? false
    }

    /// "HLF-00417 (Sefa)", "KM-LK-30417 (Tharindu, …)": the id, then a bracketed run of
    /// capitalised words that are neither everyday words nor tools.
    static func precedesName(_ after: Substring) -> Bool {
        var rest = after.drop { $0 == " " }
        guard rest.first == "(" else { return false }
        rest = rest.dropFirst()
        let inside = rest.prefix { $0 != ")" && $0 != "," && $0 != "\n" }
        guard inside.count < 60, inside.count < rest.count else { return false }
        let words = inside.split(separator: " ")
        guard (1...4).contains(words.count) else { return false }
        return words.allSatisfy { word in
            guard let first = word.first, first.isUppercase, word.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "'" || $0 == "’" }) else { return false }
            let cls = Gazetteer.classify(Gazetteer.fold(String(word)))
            return !cls.contains(.commonWord) && !cls.contains(.work)
        }
    }
}

/// The parts of an id-shaped token: its letter prefixes (`KM`, `LK` of `KM-LK-30417`), the
/// separator before the digits, and how many digits it has.
struct IDShape {
    var prefixes: [String] = []
    var separator: Character?
    var digitCount = 0
    var digits = ""
    /// "…-2024": the digits are a year of this or the last century.
    var endsInYear: Bool { digits.count == 4 && (digits.hasPrefix("19") || digits.hasPrefix("20")) }

    init(_ value: String) {
        var current = ""
        for c in value {
            if c.isLetter { current.append(c); continue }
            if !current.isEmpty { prefixes.append(current); current = "" }
            if c.isNumber { digitCount += 1; digits.append(c) } else if digitCount == 0 { separator = c }
        }
        if !current.isEmpty { prefixes.append(current) }
    }
}

/// Decides whether a URL identifies a person: profile pages, personal spaces, user paths and
/// personal hosts. Ordinary links (dashboards, status pages, team wikis, docs) are kept.
enum URLPolicy {
    static let codeHosts = ["github.com", "gitlab", "bitbucket", "gitea", "codeberg.org", "sourcehut", "sr.ht"]
    static let orgWords: Set<String> = ["team", "teams", "ops", "dev", "platform", "infra", "sre", "dba", "security", "org", "docs", "tools",
                                        "shared", "public", "internal", "group", "groups", "company", "projects", "services", "apps", "status",
                                        "dashboards", "grafana", "wiki", "runbooks", "explore", "search", "issues", "pulls", "topics", "orgs"]

    enum ProfileHost { case booking, social }
    /// Sites whose first path segment is an account: booking pages and personal profiles are a
    /// person's by nature; on social sites the account name must look like a person's.
    static let bookingHosts = ["calendly.com", "cal.com", "savvycal.com", "tidycal.com", "about.me", "keybase.io"]
    static let socialHosts = ["twitter.com", "x.com", "instagram.com", "facebook.com", "threads.net", "dev.to", "medium.com", "behance.net",
                              "dribbble.com", "stackoverflow.com", "hub.docker.com", "npmjs.com", "pypi.org", "youtube.com"]

    static func profileHostKind(_ host: String) -> ProfileHost? {
        func matches(_ known: String) -> Bool { host == known || host.hasSuffix("." + known) }
        if bookingHosts.contains(where: matches) { return .booking }
        if socialHosts.contains(where: matches) { return .social }
        return nil
    }

    static func personalRule(_ link: String, roster: RosterIndex) -> String? {
        let lower = link.lowercased()
        guard let schemeEnd = lower.range(of: "://").map({ $0.upperBound }) ?? (lower.hasPrefix("www.") ? lower.startIndex : nil) else { return nil }
        let rest = lower[schemeEnd...]
        let host = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        let path = String(rest.dropFirst(host.count))
        let segments = path.split(separator: "/").map(String.init)
        if host.hasPrefix("gist.") { return "personal gist" }
        // "medium.com/@jane", "mastodon.example/@kofi": an @-handle as a path segment.
        if let first = segments.first, first.hasPrefix("@"), first.count > 2 { return "profile handle in a link" }
        if let owner = segments.first, !orgWords.contains(owner), let kind = profileHostKind(host) {
            if kind == .booking || Gazetteer.looksLikePersonHandle(owner) { return "profile on a personal or social site" }
        }
        if host.includes("linkedin.") && (path.hasPrefix("/in/") || path.hasPrefix("/pub/")) { return "profile page" }
        if path.includes("/~") || path.hasPrefix("~") { return "personal space" }
        if lower.includes("viewprofile") || lower.includes("/profile") || lower.includes("/people/") || lower.includes("/person/")
            || lower.includes("/users/") || lower.includes("/user/") || lower.includes("/u/") || lower.includes("/member/") {
            return "profile or user path"
        }
        if lower.includes("name=") && (lower.includes("user") || lower.includes("profile")) { return "profile query" }
        // A path segment built from a participant's name: "/hmarchetti/", "/robin-achterberg-3b1a".
        for segment in segments.prefix(2) where segment.count >= 4 {
            let folded = Gazetteer.fold(segment)
            for token in roster.tokens.keys where token.count >= 4 && !Gazetteer.isCommonWord(token) {
                // "salave'a" is spelled "salavea" in a path.
                let bare = token.utf8.contains(UInt8(ascii: "'")) ? token.replacingOccurrences(of: "'", with: "") : token
                guard folded.includes(bare) else { continue }
                return "user path with a participant's name"
            }
        }
        if codeHosts.contains(where: { host.includes($0) }), let owner = segments.first, !orgWords.contains(owner) {
            let hostLabels = Set(host.split(separator: ".").flatMap { $0.split(separator: "-") }.map(String.init))
            if !hostLabels.contains(owner), !owner.split(separator: "-").contains(where: { hostLabels.contains(String($0)) }),
               Gazetteer.looksLikePersonHandle(owner) {
                return "user namespace on a code host"
            }
        }
        // A personal site: the first host label looks like a person's name ("janedoe.example.net/blog").
        if let first = host.split(separator: ".").first.map(String.init), host.split(separator: ".").count >= 2,
           !["www", "wiki", "docs", "status", "grafana", "jira", "confluence", "gitlab", "github", "cal", "calendar", "intranet", "portal", "api", "app"].contains(first),
           Gazetteer.looksLikeFullNameLabel(first) || Gazetteer.looksLikeHyphenatedFullName(first), segments.first.map({ ["blog", "posts", "about", "cv", "notes"].contains($0) }) ?? true {
            return "personal site"
        }
        return nil
    }
}
