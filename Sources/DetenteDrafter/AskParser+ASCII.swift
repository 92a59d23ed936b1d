import DetenteModel

/// `AskParser.clauseWords` on UTF-8 bytes for ASCII text (nearly every workshop item): the
/// scalar path's Unicode property look-ups and `Character` splitting were a tenth of a draft.
/// Same output as `scalarClauseWords`, which a randomised test checks.
extension AskParser {
    /// Nil when the text is not all ASCII: the scalar path handles it.
    static func asciiClauseWords(_ text: String) -> [[String]]? {
        var text = text
        return text.withUTF8 { bytes -> [[String]]? in
            for b in bytes where b >= 0x80 { return nil }
            var clauses: [[String]] = []
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                let next = i + 1 < bytes.count ? bytes[i + 1] : UInt8(ascii: " ")
                // "08:00" and "v1.2" stay one word; a colon or full stop before a space ends a clause.
                let beforeSpace = next == 0x20 || next == 0x0A || next == 0x09 || next == 0x0D
                if isClauseBreak(b) || ((b == UInt8(ascii: ".") || b == UInt8(ascii: ":")) && beforeSpace) {
                    let words = asciiWords(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    if !words.isEmpty { clauses.append(words) }
                    start = i + 1
                }
            }
            let words = asciiWords(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
            if !words.isEmpty { clauses.append(words) }
            return clauses
        }
    }

    /// The ASCII members of `clauseBreaks`.
    private static func isClauseBreak(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "("), UInt8(ascii: ")"): return true
        default: return false
        }
    }

    /// `words` for ASCII bytes: whitespace-separated chunks; a time or version stays whole, any
    /// other chunk is split as `Tokens.words` splits it.
    static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var out: [String] = []
        var i = 0
        while i < bytes.count {
            while i < bytes.count, Tokens.isASCIIWhitespace(bytes[i]) { i += 1 }
            let start = i
            while i < bytes.count, !Tokens.isASCIIWhitespace(bytes[i]) { i += 1 }
            if start < i { appendChunk(UnsafeBufferPointer(rebasing: bytes[start..<i]), to: &out) }
        }
        return out
    }

    private static func appendChunk(_ chunk: UnsafeBufferPointer<UInt8>, to out: inout [String]) {
        guard let first = chunk.firstIndex(where: Tokens.isASCIIAlphanumeric), let last = chunk.lastIndex(where: Tokens.isASCIIAlphanumeric) else { return }
        let core = UnsafeBufferPointer(rebasing: chunk[first...last])
        if keepsSeparatorsBetweenDigits(core) {
            out.append(
                String(unsafeUninitializedCapacity: core.count) { buffer in
                    for (k, b) in core.enumerated() { buffer[k] = Tokens.lowercasedASCII(b) }
                    return core.count
                })
        } else {
            Tokens.appendASCIIWords(chunk, to: &out)
        }
    }

    /// `keepsSeparatorsBetweenDigits` for ASCII: every colon or full stop sits between two digits,
    /// and the rest are letters, digits and hyphens ("08:00-11:00" is one span of times).
    private static func keepsSeparatorsBetweenDigits(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        var kept = false
        for (i, c) in word.enumerated() {
            if c == UInt8(ascii: ":") || c == UInt8(ascii: ".") {
                guard i > 0, i + 1 < word.count, Tokens.isASCIIDigit(word[i - 1]), Tokens.isASCIIDigit(word[i + 1]) else { return false }
                kept = true
            } else if !Tokens.isASCIIAlphanumeric(c) && c != UInt8(ascii: "-") {
                return false
            }
        }
        return kept
    }
}
