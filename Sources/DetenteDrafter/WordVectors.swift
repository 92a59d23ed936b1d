import DetenteModel
import Foundation

/// Word vectors for a general English vocabulary, compiled in from `WordVectorData` (built by
/// tools/build_vectors.py: all-MiniLM-L6-v2 embeddings, Apache-2.0, of wordfreq's top English
/// words, CC BY-SA 4.0 data; reduced by PCA and quantised to int8). The word index and weights
/// are read once per process; a vector is decoded only when a draft uses its word (`decodeRow`):
/// decoding all 30,000 (11.5 MB of floats) was a tenth of a 2,000-item draft.
enum WordVectors {
    static let dimensions = WordVectorData.dimensions
    /// Base64 characters per row: `dimensions` bytes, a multiple of 3, so rows never share a character.
    static let rowCharacters = dimensions / 3 * 4

    struct Table: Sendable {
        let words: LineIndex
        /// The same as a dictionary, built on first use (tests).
        var index: [String: Int32] { WordVectors.dictionary }
        /// Smooth inverse frequency a / (a + p(w)) (Arora et al. 2017): common words say little.
        let weights: [Float]
        /// `dimensions` floats per word, each vector of unit length; decoded in full on first use.
        var components: [Float] { WordVectors.allComponents }
        /// The direction every English sentence shares (Arora et al.'s common discourse vector):
        /// the expected SIF-weighted word vector, each word weighted by its frequency, unit length.
        var discourse: [Float] { WordVectors.discourse }
    }

    /// The SIF constant a; Arora et al. find 1e-3 to 1e-4 works across tasks.
    static let smoothing: Double = 1e-3

    static let table: Table = decode()

    static func decode() -> Table {
        let words = LineIndex(WordVectorData.words)
        let frequencies = self.frequencies
        precondition(
            dimensions % 3 == 0 && WordVectorData.vectors.utf8.count == words.count * rowCharacters && frequencies.count == words.count,
            "WordVectorData is inconsistent: regenerate it")
        return Table(words: words, weights: frequencies.map { Float(smoothing / (smoothing + $0)) })
    }

    static let dictionary: [String: Int32] = {
        var index: [String: Int32] = [:]
        for (i, w) in wordList().enumerated() { index[w] = Int32(i) }
        return index
    }()

    /// One word a line, split by bytes.
    static func wordList() -> [String] {
        var text = WordVectorData.words
        return text.withUTF8 { bytes in
            var words: [String] = []
            words.reserveCapacity(bytes.count / 6)
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 10 {
                if i > start { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                start = i + 1
            }
            return words
        }
    }

    /// Each word's frequency, from its quantised log frequency.
    static var frequencies: [Double] { base64Decoded(WordVectorData.frequencies).map { pow(10, Double($0) / 25 - 9) } }

    /// A quantised component as a float: the one conversion every path uses, so they agree bit for bit.
    @inline(__always) static func component(_ byte: UInt8) -> Float { Float(Int8(bitPattern: byte)) * WordVectorData.scale }

    static let allComponents: [Float] = base64Decoded(WordVectorData.vectors).map(component)

    /// Row by row into one scratch vector rather than through `allComponents`: the same values
    /// in the same order, without 11.5 MB of floats (a small workshop's first draft waited on them).
    static let discourse: [Float] = {
        let weights = table.weights
        var discourse = [Float](repeating: 0, count: dimensions)
        var row = [Float](repeating: 0, count: dimensions)
        for (r, p) in frequencies.enumerated() {
            row.withUnsafeMutableBufferPointer { decodeRow(r, into: $0.baseAddress!) }
            for d in 0..<dimensions { discourse[d] += Float(p) * weights[r] * row[d] }
        }
        let norm = discourse.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return discourse.map { norm > 0 ? $0 / norm : 0 }
    }()

    /// Writes row `r`'s `dimensions` components to `out`, decoding only its own characters.
    static func decodeRow(_ r: Int, into out: UnsafeMutablePointer<Float>) {
        var text = WordVectorData.vectors
        text.withUTF8 { chars in
            var c = r * rowCharacters, d = 0
            while d < dimensions {
                let group =
                    UInt32(base64Value(chars[c])) << 18 | UInt32(base64Value(chars[c + 1])) << 12
                    | UInt32(base64Value(chars[c + 2])) << 6 | UInt32(base64Value(chars[c + 3]))
                out[d] = component(UInt8(truncatingIfNeeded: group >> 16))
                out[d + 1] = component(UInt8(truncatingIfNeeded: group >> 8))
                out[d + 2] = component(UInt8(truncatingIfNeeded: group))
                c += 4; d += 3
            }
        }
    }

    /// The RFC 4648 value of a base64 character; 255 outside the alphabet.
    @inline(__always) static func base64Value(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return 255
        }
    }

    /// Standard base64 (RFC 4648) without line breaks; Foundation's decoder took most of the
    /// first draft's start-up on Linux. Stops at the first character outside the alphabet.
    static func base64Decoded(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { chars in
            var out: [UInt8] = []
            out.reserveCapacity(chars.count / 4 * 3)
            var buffer: UInt32 = 0, bits = 0
            for c in chars {
                let v = base64Value(c)
                if v == 255 { break }
                buffer = buffer << 6 | UInt32(v)
                bits += 6
                if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits))) }
            }
            return out
        }
    }

    /// The vocabulary row for a lowercased word: as written, in American spelling, as its lemma,
    /// or typo-corrected; nil for words outside the vocabulary (most jargon and acronyms).
    static func row(of word: String) -> Int32? {
        let index = table.words
        if let i = index.line(of: word) { return Int32(i) }
        let info = Lexicon.info(word)
        for candidate in [info.american, info.lemma, info.correctedNounLemma] where candidate != word {
            if let i = index.line(of: candidate) { return Int32(i) }
        }
        return nil
    }
}
