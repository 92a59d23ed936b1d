/// Word tokenisation shared by the anonymiser, the coach and the drafter: lowercase, letters/digits/'-, with
/// curly apostrophes folded.
public enum Tokens {
    /// Lowercased words (letters, digits, inner hyphens and apostrophes; ’ becomes ').
    public static func words(_ text: String) -> [String] {
        var text = text
        // Nearly every workshop text is ASCII: split its bytes without decoding scalars.
        if let ascii = text.withUTF8({ bytes -> [String]? in
            for b in bytes where b >= 0x80 { return nil }
            var out: [String] = []
            appendASCIIWords(bytes, to: &out)
            return out
        }) {
            return ascii
        }
        return scalarWords(text)
    }

    /// `words` for any text, scalar by scalar (the reference for the ASCII path).
    static func scalarWords(_ text: String) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(32)
        func flush() {
            // Hyphens and apostrophes at the edges are punctuation, not part of the word.
            var lower = 0, upper = current.count
            while lower < upper, current[lower] == UInt8(ascii: "-") || current[lower] == UInt8(ascii: "'") { lower += 1 }
            while upper > lower, current[upper - 1] == UInt8(ascii: "-") || current[upper - 1] == UInt8(ascii: "'") { upper -= 1 }
            if lower < upper { out.append(String(decoding: current[lower..<upper], as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                if scalar.isLetterScalar || scalar.isNumberScalar || scalar == "-" || scalar == "'" {
                    current.append(UInt8(scalar.lowerASCII.value))
                } else if !current.isEmpty {
                    flush()
                }
            } else if scalar == "’" {
                current.append(UInt8(ascii: "'"))
            } else if scalar.isLetterScalar || scalar.isNumberScalar || (scalar.isCombiningMark && !current.isEmpty) {
                current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            } else if !current.isEmpty {
                flush()
            }
        }
        if !current.isEmpty { flush() }
        return out
    }

    /// Appends the words of ASCII bytes, as `words` splits them.
    public static func appendASCIIWords(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [String]) {
        var i = 0
        while i < bytes.count {
            while i < bytes.count, !isASCIIWordByte(bytes[i]) { i += 1 }
            var lower = i
            while i < bytes.count, isASCIIWordByte(bytes[i]) { i += 1 }
            // Hyphens and apostrophes at the edges are punctuation, not part of the word.
            var upper = i
            while lower < upper, !isASCIIAlphanumeric(bytes[lower]) { lower += 1 }
            while upper > lower, !isASCIIAlphanumeric(bytes[upper - 1]) { upper -= 1 }
            guard lower < upper else { continue }
            let word = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
            out.append(
                String(unsafeUninitializedCapacity: word.count) { buffer in
                    for (k, b) in word.enumerated() { buffer[k] = lowercasedASCII(b) }
                    return word.count
                })
        }
    }

    /// `word.allSatisfy(\.isNumber)`, without `Character` properties when the word is ASCII
    /// (there only the digits are numbers).
    public static func isAllNumbers(_ word: String) -> Bool {
        word.utf8.allSatisfy { $0 < 0x80 } ? word.utf8.allSatisfy(isASCIIDigit) : word.allSatisfy(\.isNumber)
    }

    /// A letter, digit, hyphen or apostrophe: the bytes a word is made of.
    @inline(__always) static func isASCIIWordByte(_ b: UInt8) -> Bool {
        isASCIIAlphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "'")
    }
    @inline(__always) public static func isASCIIAlphanumeric(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 || isASCIIDigit(b) }
    @inline(__always) public static func isASCIIDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    /// The White_Space scalars of ASCII (tab, line feed, vertical tab, form feed, return, space):
    /// what `Character.isWhitespace` accepts below 0x80.
    @inline(__always) public static func isASCIIWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (b &- 0x09) < 5 }
    @inline(__always) public static func lowercasedASCII(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }
}
