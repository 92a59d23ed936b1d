/// Word tokenisation shared by the anonymiser, the coach and the drafter: lowercase, letters/digits/'-, with
/// curly apostrophes folded.
public enum Tokens {
    /// Lowercased words (letters, digits, inner hyphens and apostrophes; ’ becomes ').
    public static func words(_ text: String) -> [String] {
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
}
