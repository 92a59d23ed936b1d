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
        let weights = frequencyBytes.map { byte -> Float in
            let p = pow(10, Double(byte) / 25 - 9)
            return Float(smoothing / (smoothing + p))
        }
        return Table(index: index, components: components, weights: weights)
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
