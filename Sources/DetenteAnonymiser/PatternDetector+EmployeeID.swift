import DetenteModel

/// Employee ids: which id-shaped tokens are a person's number.
extension PatternDetector {
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
