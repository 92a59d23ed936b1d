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
    static let phoneCues: Set<String> = [
        "call", "calling", "phone", "phoned", "phoning", "tel", "telephone", "mobile", "cell", "ring", "dial",
        "text", "sms", "fax", "whatsapp", "landline", "number", "on"
    ]
    static let extensionOnly = regex(#"(?<![\w-])x\d{3,5}\b"#)
    static let bleep = regex(#"\b(?:bleep|pager|beeper|extension|ext\.?)\s+(?:no\.?\s+|number\s+)?(\d{3,6})\b"#, [.caseInsensitive])
    /// Employee-id shapes: `E1234`, `KF-70388`, multi-part prefixes (`KM-LK-30417`, `SAV/GH/0091`),
    /// digit groups (`88-1140`) and bare digit runs; which of them are ids is decided in context.
    static let idLike = regex(#"(?<![\w/-])(?:[A-Z]{1,5}(?:[-/][A-Z]{1,4}){0,3}[-/]?\d{4,8}|\d{2,4}-\d{3,6}|\d{5,8})(?![\w-]|[./]\d)"#)
    /// Shapes an HR scheme uses that the Jira-like `idLike` does not: digit groups after a letter
    /// ("E-104-772", "HR/22/0491") and a letter suffix ("4471-K"). Ids only after a strong cue.
    static let groupedID = regex(#"(?<![\w/-])(?:[A-Z]{1,5}[-/]\d{2,6}(?:[-/]\d{2,6}){1,3}|\d{3,8}-[A-Z]{1,3})(?![\w-]|[./]\d)"#)
    /// A login or user id after its cue ("id nva42", "username: jd1234"): letters, then digits.
    static let userID = regex(#"\b(?:id|uid|userid|user id|username|user name|login|account)\s*[:=#]?\s*([a-z]{2,}[a-z._-]*\d{1,6}[a-z]*)\b"#, [.caseInsensitive])
    /// Words before "id" that make it a thing's id, not a person's.
    static let thingIDWords: Set<String> = [
        "ticket", "change", "incident", "job", "build", "order", "request", "case", "issue", "run", "task", "trace", "session",
        "transaction", "message", "device", "asset", "host", "node", "pod", "container", "commit"
    ]
    /// A prefix and digits separated by a space (`WDC 000731`): an id only next to a name or a cue.
    static let spacedID = regex(#"(?<![\w/-])[A-Z]{2,5} \d{5,8}(?![\w-]|[./]\d)"#)

    /// Group mentions and team handles: not a person.
    static let groupHandleWords: Set<String> = [
        "here", "channel", "all", "everyone", "team", "oncall", "on-call", "duty", "ops", "dev", "devs", "sre", "support", "help",
        "helpdesk", "admins", "admin", "alerts", "release", "releases", "deploy", "incident", "incidents", "security", "sec", "dba",
        "platform", "infra", "noc", "soc", "qa", "liveops", "netops", "devops", "secops", "sysadmins", "oncallers", "leads",
        "managers", "group", "squad", "crew", "bot", "ci", "build", "builds"
    ]
    /// Service accounts before an @ are not personal mailboxes.
    static let serviceLocalParts: Set<String> = [
        "git", "root", "admin", "noreply", "no-reply", "jenkins", "deploy", "ci", "postmaster",
        "ops", "support", "help", "helpdesk", "security", "info", "alerts", "oncall", "team", "dev", "sre", "dba"
    ]
    /// Standards bodies and regulations whose document numbers look like multi-part ids.
    static let standardsBodies: Set<String> = [
        "ISO", "IEC", "EN", "DIN", "BS", "NIST", "SP", "FIPS", "ETSI", "IEEE", "ANSI", "ITU", "RTS",
        "ITS", "DORA", "NIS", "GDPR", "EU", "CIS", "OWASP", "ASVS", "DSS", "HIPAA", "SOX", "NERC", "CIP"
    ]
    /// Words that call a number a person's: English, and "employee", "staff/personnel number" and
    /// "badge" in the languages of the supported regions (Wiktionary translation tables, CC BY-SA).
    static let strongIDCues: Set<String> = [
        "staff", "employee", "employees", "personnel", "contractor", "contractors", "vendor", "badge",
        "payroll", "worker", "locum", "locums", "emp", "hr", "pernr",
        "empleado", "empleada", "funcionario", "funcionário", "colaborador", "matrícula", "matricula",
        "matricule", "salarié", "salarie", "employé", "employe", "mitarbeiter", "personalnummer",
        "personalnr", "mitarbeiternummer", "personeelsnummer", "dipendente", "matricola",
        "anställningsnummer", "anst", "ansattnummer", "työntekijä", "henkilönumero", "osobní",
        "zaměstnanec", "pracownik", "pracownika", "służbowy", "працівник", "табельний", "табельный"
    ]
    static let ticketPrefixes: Set<String> = [
        "CHG", "INC", "RITM", "REQ", "PRB", "TASK", "KB", "CVE", "SR", "PO", "ORA", "MR", "PR", "CR",
        "RFC", "JIRA", "SEV", "P", "Q", "ISO", "SOC", "PCI", "SHP", "MSCU", "BUG", "CASE", "CS", "TKT", "WO"
    ]

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
        // One digit is enough for a login id after its cue ("id nva42").
        guard cues.at || cues.urlStart || cues.digits >= 1 || cues.colons >= 2 else { return [] }
        var scan = PatternScan(text: text, roster: roster, cues: cues)
        return scan.run()
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
    static let versionWords: Set<String> = [
        "version", "versions", "ver", "v", "release", "build", "firmware", "driver", "patch", "upgrade",
        "upgraded", "upgrading", "downgrade", "downgraded", "bump", "bumped", "pinned", "pin"
    ]

    static func looksLikeDate(_ s: String) -> Bool {
        let parts = s.split(whereSeparator: { !$0.isNumber })
        if parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2 { return true }
        return false
    }
}
