import DetenteModel
import Foundation

/// One text being searched for contact details and ids, pattern by pattern in a fixed order:
/// links first (an ordinary link shields what is inside it), then emails and handles, IP
/// addresses, phone numbers, and last employee ids (a number already taken is no id).
struct PatternScan {
    typealias Span = Anonymiser.Span
    typealias Match = PatternDetector.Match

    let text: String
    let roster: RosterIndex
    let cues: PatternDetector.Cues
    /// What was found so far; spans never overlap. Rule "keep" marks an ordinary link.
    var found: [Span] = []

    init(text: String, roster: RosterIndex, cues: PatternDetector.Cues) {
        self.text = text
        self.roster = roster
        self.cues = cues
    }

    /// Runs every pattern; spans with rule "keep" are ordinary links, dropped by the caller.
    mutating func run() -> [Span] {
        findLinks()
        findEmails()
        findHandles()
        findIPAddresses()
        findPhoneNumbers()
        findEmployeeIDs()
        return found
    }

    /// Records a span unless an earlier one overlaps it.
    mutating func add(_ range: Range<String.Index>, _ kind: PIIKind, _ rule: String) {
        if overlapsFound(range) { return }
        found.append(Span(range: range, kind: kind, rule: rule))
    }

    func overlapsFound(_ range: Range<String.Index>) -> Bool { found.contains { $0.range.overlaps(range) } }

    /// The matches of `pattern` when its cue is present: in the tokens holding a trigger byte if
    /// one is given, else over the whole text.
    func scan(_ pattern: NSRegularExpression, when cue: Bool, tokensWith trigger: ((UInt8) -> Bool)? = nil) -> [Match] {
        guard cue else { return [] }
        // Another script's digits defeat the byte triggers: search the whole text then.
        if let trigger, cues.fromBytes { return PatternDetector.matchesInTokens(pattern, in: text, trigger: trigger) }
        return PatternDetector.matches(pattern, in: text)
    }

    static func isAt(_ b: UInt8) -> Bool { b == UInt8(ascii: "@") }
    static func isColon(_ b: UInt8) -> Bool { b == UInt8(ascii: ":") }

    // MARK: - each kind

    mutating func findLinks() {
        for m in scan(PatternDetector.url, when: cues.urlStart) {
            let r = withoutTrailingPunctuation(m.range)
            if let rule = URLPolicy.personalRule(String(text[r]), roster: roster) {
                add(r, .url, rule)
            } else {
                // An ordinary link is kept, and nothing inside it is treated as a handle or an ip.
                found.append(Span(range: r, kind: .url, rule: "keep"))
            }
        }
    }

    /// Trailing punctuation belongs to the sentence, not the link (a ")" closing a "(" inside it stays).
    func withoutTrailingPunctuation(_ range: Range<String.Index>) -> Range<String.Index> {
        var r = range
        while r.lowerBound < r.upperBound, let last = text[text.index(before: r.upperBound)].unicodeScalars.first,
            ".,;:!?)]}".unicodeScalars.contains(last)
        {
            if last == ")", text[r].includes("(") { break }
            r = r.lowerBound..<text.index(before: r.upperBound)
        }
        return r
    }

    mutating func findEmails() {
        for m in scan(PatternDetector.email, when: cues.at, tokensWith: Self.isAt) {
            let local = m.value.split(separator: "@").first.map { $0.lowercased() } ?? ""
            if PatternDetector.serviceLocalParts.contains(local) || PatternDetector.isRoleMailbox(local) { continue }
            add(m.range, .email, "email address")
        }
    }

    mutating func findHandles() {
        for m in scan(PatternDetector.handle, when: cues.at, tokensWith: Self.isAt) {
            let name = m.value.dropFirst().split(separator: ":").first.map(String.init) ?? ""
            let parts = name.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map(String.init)
            if parts.contains(where: PatternDetector.groupHandleWords.contains) || PatternDetector.groupHandleWords.contains(name.lowercased()) { continue }
            // "@sha256:…" and similar digests are not handles.
            if name.lowercased().hasPrefix("sha") && name.dropFirst(3).allSatisfy(\.isNumber) { continue }
            add(m.range, .handle, "chat handle")
        }
    }

    mutating func findIPAddresses() {
        for m in scan(PatternDetector.ipv4, when: cues.dottedDigits >= 3, tokensWith: PatternDetector.isDigitByte) {
            let parts = m.value.split(separator: ".").compactMap { Int($0) }
            guard parts.count == 4, parts.allSatisfy({ $0 <= 255 }) else { continue }
            if PatternDetector.followsVersionWord(text[..<m.range.lowerBound]) { continue }
            add(m.range, .ip, "IPv4 address")
        }
        for m in scan(PatternDetector.ipv6, when: cues.colons >= 2, tokensWith: Self.isColon) {
            let value = m.value
            let colons = value.filter { $0 == ":" }.count
            guard colons >= 2, value.includes("::") || colons == 7, value.contains(where: \.isNumber) else { continue }
            // Times such as 12:30:45 are not addresses: require a hex letter or a '::'.
            if !value.includes("::"), !value.contains(where: { $0.isLetter }) { continue }
            add(m.range, .ip, "IPv6 address")
        }
    }

    mutating func findPhoneNumbers() {
        // Phone numbers contain spaces: the whole text is searched.
        for m in scan(PatternDetector.phone, when: cues.digits >= 7) {
            let digits = m.value.filter(\.isNumber).count
            guard (7...18).contains(digits) else { continue }
            if PatternDetector.looksLikeDate(String(m.value)) { continue }
            add(m.range, .phone, "phone number")
        }
        for m in scan(PatternDetector.localNumber, when: cues.localNumberShape, tokensWith: PatternDetector.isDigitByte) where !overlapsFound(m.range) {
            let before = Tokens.words(String(text[..<m.range.lowerBound].suffix(24))).suffix(2)
            if before.contains(where: PatternDetector.phoneCues.contains) { add(m.range, .phone, "local phone number") }
        }
        if cues.extensionWord && cues.longestDigitRun >= 3 {
            for m in PatternDetector.bleep.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)) where m.numberOfRanges > 1 {
                if let r = Range(m.range(at: 1), in: text) { add(r, .phone, "bleep or extension number") }
            }
        }
        for m in scan(PatternDetector.extensionOnly, when: cues.extensionShape, tokensWith: PatternDetector.isDigitByte) {
            add(m.range, .phone, "phone extension")
        }
    }

    mutating func findEmployeeIDs() {
        // A text that talks about staff numbers makes a long id-shaped token in it an id.
        var documentCue: Bool?
        for m in scan(PatternDetector.idLike, when: cues.idShape, tokensWith: PatternDetector.isDigitByte) {
            // Already part of a phone number or an address: nothing to decide.
            if overlapsFound(m.range) { continue }
            let cue = documentCue ?? Tokens.words(text).contains(where: PatternDetector.strongIDCues.contains)
            documentCue = cue
            if PatternDetector.isEmployeeID(String(m.value), at: m.range, in: text, documentCue: cue) { add(m.range, .employeeID, "employee id") }
        }
        for m in scan(PatternDetector.spacedID, when: cues.spacedIDShape) where !overlapsFound(m.range) {
            if PatternDetector.isEmployeeID(String(m.value), at: m.range, in: text, documentCue: false) { add(m.range, .employeeID, "employee id") }
        }
        findGroupedIDs()
        findUserIDs()
    }

    /// "Employee E-104-772", "badge 4471-K": shapes too loose to be ids without a cue word just before.
    mutating func findGroupedIDs() {
        guard cues.digits >= 3 else { return }
        for m in scan(PatternDetector.groupedID, when: true, tokensWith: PatternDetector.isDigitByte) where !overlapsFound(m.range) {
            let before = Tokens.words(String(text[..<m.range.lowerBound].suffix(40))).suffix(3)
            if before.contains(where: PatternDetector.strongIDCues.contains) { add(m.range, .employeeID, "employee id (after a staff cue)") }
        }
    }

    /// "(id nva42)", "login: jd1234": a person's account name after its cue; "ticket id abc123" is a thing's.
    mutating func findUserIDs() {
        guard cues.digits >= 1, text.utf8.count < 4_000 else { return }
        let lower = text.lowercased()
        guard lower.includes("id") || lower.includes("login") || lower.includes("user") || lower.includes("account") else { return }
        for m in PatternDetector.userID.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)) where m.numberOfRanges > 1 {
            guard let r = Range(m.range(at: 1), in: text), let whole = Range(m.range, in: text), !overlapsFound(r) else { continue }
            let before = Tokens.words(String(text[..<whole.lowerBound].suffix(30))).suffix(1)
            if before.contains(where: PatternDetector.thingIDWords.contains) { continue }
            add(r, .handle, "user id")
        }
    }
}
