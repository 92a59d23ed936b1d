import DetenteModel
import Foundation

/// Word vectors for a general English vocabulary, compiled in from `WordVectorData` (built by
/// tools/build_vectors.py: all-MiniLM-L6-v2 embeddings, Apache-2.0, of wordfreq's top English
/// words, CC BY-SA 4.0 data; reduced by PCA and quantised to int8). Decoded once per process.
enum WordVectors {
    static let dimensions = WordVectorData.dimensions

    struct Table: Sendable {
        let index: [String: Int32]
        /// `dimensions` floats per word, each vector of unit length.
        let components: [Float]
        /// Smooth inverse frequency a / (a + p(w)) (Arora et al. 2017): common words say little.
        let weights: [Float]
        /// The direction every English sentence shares (Arora et al.'s common discourse vector):
        /// the expected SIF-weighted word vector, each word weighted by its frequency, unit length.
        let discourse: [Float]
    }

    /// The SIF constant a; Arora et al. find 1e-3 to 1e-4 works across tasks.
    static let smoothing: Double = 1e-3

    static let table: Table = decode()

    static func decode() -> Table {
        let words = WordVectorData.words.split(separator: "\n").map(String.init)
        let bytes = base64Decoded(WordVectorData.vectors)
        let frequencyBytes = base64Decoded(WordVectorData.frequencies)
        precondition(bytes.count == words.count * dimensions && frequencyBytes.count == words.count, "WordVectorData is inconsistent: regenerate it")
        var index: [String: Int32] = [:]
        index.reserveCapacity(words.count)
        for (i, w) in words.enumerated() { index[w] = Int32(i) }
        let components = bytes.map { Float(Int8(bitPattern: $0)) * WordVectorData.scale }
        let frequencies = frequencyBytes.map { pow(10, Double($0) / 25 - 9) }
        let weights = frequencies.map { Float(smoothing / (smoothing + $0)) }
        var discourse = [Float](repeating: 0, count: dimensions)
        for (r, p) in frequencies.enumerated() {
            for d in 0..<dimensions { discourse[d] += Float(p) * weights[r] * components[r * dimensions + d] }
        }
        let norm = discourse.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return Table(index: index, components: components, weights: weights, discourse: discourse.map { norm > 0 ? $0 / norm : 0 })
    }

    /// Standard base64 (RFC 4648) without line breaks; Foundation's decoder took most of the
    /// first draft's start-up on Linux. Stops at the first character outside the alphabet.
    static func base64Decoded(_ text: String) -> [UInt8] {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = UInt8(i) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3)
        var buffer: UInt32 = 0, bits = 0
        for c in text.utf8 {
            let v = table[Int(c)]
            if v == 255 { break }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits))) }
        }
        return out
    }

    /// The vocabulary row for a lowercased word: as written, in American spelling, as its lemma,
    /// or typo-corrected; nil for words outside the vocabulary (most jargon and acronyms).
    static func row(of word: String) -> Int32? {
        let index = table.index
        if let i = index[word] { return i }
        let info = Lexicon.info(word)
        for candidate in [Lexicon.americanSpelling(word), info.lemma, info.correctedNounLemma] where candidate != word {
            if let i = index[candidate] { return i }
        }
        return nil
    }
}
