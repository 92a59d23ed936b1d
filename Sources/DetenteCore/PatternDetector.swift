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
        #"(?<![\w+/.-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{1,5}){1,5}|\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]\d{2,5}){1,3}|0\d{1,4}(?:[ .-]\d{2,6}){1,4}|\d{3}[.-]\d{3}[.-]\d{4})(?:\s?(?:ext\.?|x|extension)\s?\d{2,6})?(?![\w-]|[.:]\d)"#,
        [.caseInsensitive])
    static let extensionOnly = regex(#"(?<![\w-])x\d{3,5}\b"#)
    static let bleep = regex(#"\b(?:bleep|pager|beeper|extension|ext\.?)\s+(?:no\.?\s+|number\s+)?(\d{3,6})\b"#, [.caseInsensitive])
    static let idLike = regex(#"(?<![\w-])(?:[A-Z]{1,4}-?\d{4,8}|\d{5,8})(?![\w-]|\.\d)"#)

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
    static let strongIDCues: Set<String> = ["staff", "employee", "employees", "personnel", "contractor", "contractors", "vendor", "badge",
                                            "payroll", "worker", "locum", "locums", "emp", "hr", "pernr"]
    static let ticketPrefixes: Set<String> = ["CHG", "INC", "RITM", "REQ", "PRB", "TASK", "KB", "CVE", "SR", "PO", "ORA", "MR", "PR", "CR",
                                              "RFC", "JIRA", "SEV", "P", "Q", "ISO", "SOC", "PCI", "SHP", "MSCU", "BUG", "CASE", "CS", "TKT", "WO"]

    static func detect(_ text: String, roster: RosterIndex) -> [Span] {
        let ns = text as NSString
        let whole = NSRange(location: 0, length: ns.length)
        var spans: [Span] = []
        func add(_ r: NSRange, _ kind: PIIKind, _ rule: String) {
            guard let range = Range(r, in: text) else { return }
            if spans.contains(where: { $0.range.overlaps(range) }) { return }
            spans.append(Span(range: range, kind: kind, rule: rule))
        }

        for m in url.matches(in: text, range: whole) {
            var r = m.range
            // Trailing punctuation belongs to the sentence, not the link.
            while r.length > 0, let last = ns.substring(with: NSRange(location: r.location + r.length - 1, length: 1)).unicodeScalars.first,
                  ".,;:!?)]}".unicodeScalars.contains(last) {
                if last == ")", ns.substring(with: r).contains("(") { break }
                r.length -= 1
            }
            let link = ns.substring(with: r)
            if let rule = URLPolicy.personalRule(link, roster: roster) { add(r, .url, rule) } else {
                // An ordinary link is kept, and nothing inside it is treated as a handle or an ip.
                if let range = Range(r, in: text) { spans.append(Span(range: range, kind: .url, rule: "keep")) }
            }
        }
        for m in email.matches(in: text, range: whole) {
            let value = ns.substring(with: m.range)
            let local = value.split(separator: "@").first.map { String($0).lowercased() } ?? ""
            if serviceLocalParts.contains(local) { continue }
            add(m.range, .email, "email address")
        }
        for m in handle.matches(in: text, range: whole) {
            let value = ns.substring(with: m.range)
            let name = value.dropFirst().split(separator: ":").first.map(String.init) ?? ""
            let parts = name.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map(String.init)
            if parts.contains(where: groupHandleWords.contains) || groupHandleWords.contains(name.lowercased()) { continue }
            // "@sha256:…" and similar digests are not handles.
            if name.lowercased().hasPrefix("sha") && name.dropFirst(3).allSatisfy(\.isNumber) { continue }
            add(m.range, .handle, "chat handle")
        }
        for m in ipv4.matches(in: text, range: whole) {
            let parts = ns.substring(with: m.range).split(separator: ".").compactMap { Int($0) }
            guard parts.count == 4, parts.allSatisfy({ $0 <= 255 }) else { continue }
            add(m.range, .ip, "IPv4 address")
        }
        for m in ipv6.matches(in: text, range: whole) {
            let value = ns.substring(with: m.range)
            let colons = value.filter { $0 == ":" }.count
            guard colons >= 2, value.contains("::") || colons == 7, value.contains(where: \.isNumber) else { continue }
            // Times such as 12:30:45 are not addresses: require a hex letter or a '::'.
            if !value.contains("::"), !value.contains(where: { $0.isLetter }) { continue }
            add(m.range, .ip, "IPv6 address")
        }
        for m in phone.matches(in: text, range: whole) {
            let value = ns.substring(with: m.range)
            let digits = value.filter(\.isNumber).count
            guard (7...18).contains(digits) else { continue }
            if looksLikeDate(value) { continue }
            add(m.range, .phone, "phone number")
        }
        for m in bleep.matches(in: text, range: whole) where m.numberOfRanges > 1 {
            add(m.range(at: 1), .phone, "bleep or extension number")
        }
        for m in extensionOnly.matches(in: text, range: whole) {
            add(m.range, .phone, "phone extension")
        }
        for m in idLike.matches(in: text, range: whole) {
            let value = ns.substring(with: m.range)
            if isEmployeeID(value, at: m.range, in: ns) { add(m.range, .employeeID, "employee id") }
        }
        // Spans with rule "keep" are ordinary links: they shield their insides and are dropped later.
        return spans
    }

    static func looksLikeDate(_ s: String) -> Bool {
        let parts = s.split(whereSeparator: { !$0.isNumber })
        if parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2 { return true }
        return false
    }

    static func isEmployeeID(_ value: String, at range: NSRange, in ns: NSString) -> Bool {
        let letters = String(value.prefix { $0.isLetter })
        let digits = value.filter(\.isNumber)
        if ticketPrefixes.contains(letters) { return false }
        // Years and round numbers in prose are not ids.
        if letters.isEmpty, digits.count < 5 { return false }
        let before = ns.substring(to: range.location)
        let window = Array(Tokens.words(String(before.suffix(80))).suffix(6))
        // "id", "number" and "no." count only as part of "staff number", "personnel no.": a
        // container number or a ticket number is not a person's id.
        let strong = window.contains(where: strongIDCues.contains)
        let weakOnly = window.contains { ["id", "ids", "quoted"].contains($0) }
        // A text that talks about staff numbers makes a long id-shaped token in it an id.
        let documentCue = digits.count >= 5 && Tokens.words(ns as String).contains(where: strongIDCues.contains)
        let hasCue = strong || weakOnly || documentCue
        // Right after a person's name in brackets or after a comma: "Mariana Oyelaran-Cruz (CTR-0932)".
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        let afterName: Bool = {
            guard let last = trimmed.last, last == "(" || last == "," || last == "\"" || last == "“" else { return false }
            let prev = Tokens.words(String(String(trimmed.dropLast()).suffix(40))).last ?? ""
            return prev.first.map { _ in String(trimmed.dropLast()).split(separator: " ").last?.first?.isUppercase ?? false } ?? false
        }()
        if letters.isEmpty { return hasCue }
        if value.contains("-") {
            // PREFIX-1234 is a ticket by default (the Jira shape); an id only when something says so.
            return hasCue || afterName || ["EMP", "CTR", "V", "E", "A", "C", "S"].contains(letters) && hasCue
        }
        return hasCue || afterName || (letters.count <= 3 && digits.count >= 6)
    }
}

/// Decides whether a URL identifies a person: profile pages, personal spaces, user paths and
/// personal hosts. Ordinary links (dashboards, status pages, team wikis, docs) are kept.
enum URLPolicy {
    static let codeHosts = ["github.com", "gitlab", "bitbucket", "gitea", "codeberg.org", "sourcehut", "sr.ht"]
    static let orgWords: Set<String> = ["team", "teams", "ops", "dev", "platform", "infra", "sre", "dba", "security", "org", "docs", "tools",
                                        "shared", "public", "internal", "group", "groups", "company", "projects", "services", "apps", "status",
                                        "dashboards", "grafana", "wiki", "runbooks", "explore", "search", "issues", "pulls", "topics", "orgs"]

    static func personalRule(_ link: String, roster: RosterIndex) -> String? {
        let lower = link.lowercased()
        guard let schemeEnd = lower.range(of: "://").map({ $0.upperBound }) ?? (lower.hasPrefix("www.") ? lower.startIndex : nil) else { return nil }
        let rest = lower[schemeEnd...]
        let host = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        let path = String(rest.dropFirst(host.count))
        let segments = path.split(separator: "/").map(String.init)
        if host.hasPrefix("gist.") { return "personal gist" }
        if host.contains("linkedin.") && (path.hasPrefix("/in/") || path.hasPrefix("/pub/")) { return "profile page" }
        if path.contains("/~") || path.hasPrefix("~") { return "personal space" }
        if lower.contains("viewprofile") || lower.contains("/profile") || lower.contains("/people/") || lower.contains("/person/")
            || lower.contains("/users/") || lower.contains("/user/") || lower.contains("/u/") || lower.contains("/member/") {
            return "profile or user path"
        }
        if lower.contains("name=") && (lower.contains("user") || lower.contains("profile")) { return "profile query" }
        // A path segment built from a participant's name: "/hmarchetti/", "/robin-achterberg-3b1a".
        for segment in segments.prefix(2) where segment.count >= 4 {
            let folded = Gazetteer.fold(segment)
            for token in roster.tokens.keys where token.count >= 4 && folded.contains(token) && !Gazetteer.commonWords.contains(token) {
                return "user path with a participant's name"
            }
        }
        if codeHosts.contains(where: { host.contains($0) }), let owner = segments.first, !orgWords.contains(owner) {
            let hostLabels = Set(host.split(separator: ".").flatMap { $0.split(separator: "-") }.map(String.init))
            if !hostLabels.contains(owner), !owner.split(separator: "-").contains(where: { hostLabels.contains(String($0)) }),
               Gazetteer.looksLikePersonHandle(owner) {
                return "user namespace on a code host"
            }
        }
        // A personal site: the first host label looks like a person's name ("janedoe.example.net/blog").
        if let first = host.split(separator: ".").first.map(String.init), host.split(separator: ".").count >= 2,
           !["www", "wiki", "docs", "status", "grafana", "jira", "confluence", "gitlab", "github", "cal", "calendar", "intranet", "portal", "api", "app"].contains(first),
           Gazetteer.looksLikeFullNameLabel(first), segments.first.map({ ["blog", "posts", "about", "cv", "notes"].contains($0) }) ?? true {
            return "personal site"
        }
        return nil
    }
}
