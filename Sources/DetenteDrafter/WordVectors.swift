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
        let bytes = [UInt8](Data(base64Encoded: WordVectorData.vectors) ?? Data())
        let frequencyBytes = [UInt8](Data(base64Encoded: WordVectorData.frequencies) ?? Data())
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
