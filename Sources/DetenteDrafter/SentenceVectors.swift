import DetenteModel

/// One vector per sentence, so paraphrases that share no word still come out close: the
/// smooth-inverse-frequency weighted mean of the sentence's word vectors, with the common
/// component of the set removed (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline
/// for sentence embeddings"). Pure and deterministic; the vectors come from `WordVectors`.
struct SentenceVectors {
    let dimensions = WordVectors.dimensions
    /// `dimensions` floats per sentence, unit length; all zero for a sentence with no known word.
    private(set) var components: [Float]
    let count: Int

    init(_ texts: [String]) {
        count = texts.count
        components = [Float](repeating: 0, count: texts.count * WordVectors.dimensions)
        var cache = WordCache()
        for (s, text) in texts.enumerated() { accumulate(text, into: s, cache: &cache) }
        removeCommonComponent()
        normalise()
    }

    /// Cosine similarity of sentences `a` and `b`; 0 when either has no known word.
    func cosine(_ a: Int, _ b: Int) -> Float {
        var sum: Float = 0
        let x = a * dimensions, y = b * dimensions
        for d in 0..<dimensions { sum += components[x + d] * components[y + d] }
        return sum
    }

    /// Calls `body` for every pair `i < j` that `mayPair` admits and whose cosine reaches
    /// `minimum`, in order. `mayPair` runs first, so pairs it rejects cost no dot product.
    func forEachPair(atLeast minimum: Float, where mayPair: (Int, Int) -> Bool, _ body: (Int, Int, Float) -> Void) {
        forEachPair(among: Array(0..<count), atLeast: minimum, where: mayPair, body)
    }

    /// The same over the pairs of `members` (ascending sentence indices) only.
    func forEachPair(among members: [Int], atLeast minimum: Float, where mayPair: (Int, Int) -> Bool, _ body: (Int, Int, Float) -> Void) {
        let n = dimensions
        precondition(n % 4 == 0, "the dot product reads four components at a time")
        components.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            for (position, i) in members.enumerated() {
                for j in members[(position + 1)...] where mayPair(i, j) {
                    let sum = Self.dot(base + i * n, base + j * n, count: n)
                    if sum >= minimum { body(i, j, sum) }
                }
            }
        }
    }

    /// Four running sums, one per lane: lane k adds the products of components k, k + 4, k + 8, …
    /// in order, and the lanes are added as (0 + 1) + (2 + 3). Float addition is not reassociated
    /// for us, so this order is the contract: cosines, and the confidences printed from them, stay
    /// bit for bit the same as the scalar four-sum loop this replaced.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) -> Float {
        var sums = SIMD4<Float>()
        var d = 0
        while d < n {
            let a = UnsafeRawPointer(x + d).loadUnaligned(as: SIMD4<Float>.self)
            let b = UnsafeRawPointer(y + d).loadUnaligned(as: SIMD4<Float>.self)
            sums += a * b
            d += 4
        }
        return (sums[0] + sums[1]) + (sums[2] + sums[3])
    }

    /// Letter runs only ("on-call" is "on" and "call"; "don't" is "don" and "t", as in the vocabulary).
    static func words(_ text: String) -> [String] {
        asciiWords(text) ?? scalarWords(text)
    }

    static func scalarWords(_ text: String) -> [String] {
        Tokens.words(text).flatMap { $0.split { !$0.isLetter }.map(String.init) }
    }

    /// For ASCII text the words above are its runs of letters, lowercased; nil for other text.
    static func asciiWords(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            var out: [String] = []
            var i = 0
            while i < bytes.count {
                if bytes[i] >= 0x80 { return nil }
                guard isASCIILetter(bytes[i]) else { i += 1; continue }
                let start = i
                while i < bytes.count, isASCIILetter(bytes[i]) { i += 1 }
                let run = UnsafeBufferPointer(rebasing: bytes[start..<i])
                out.append(
                    String(unsafeUninitializedCapacity: run.count) { buffer in
                        for (k, b) in run.enumerated() { buffer[k] = b | 0x20 }
                        return run.count
                    })
            }
            return out
        }
    }

    @inline(__always) private static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    /// The words of this set seen so far: each word's weight and decoded vector, looked up once.
    private struct WordCache {
        /// A slot per known word; nil for a word outside the vocabulary.
        var slots: [String: Int?] = [:]
        var weights: [Float] = []
        var vectors: [Float] = []

        mutating func slot(of word: String) -> Int? {
            if let known = slots[word] { return known }
            guard let row = WordVectors.row(of: word).map(Int.init) else { slots[word] = .some(nil); return nil }
            let slot = weights.count
            weights.append(WordVectors.table.weights[row])
            vectors.append(contentsOf: repeatElement(0, count: WordVectors.dimensions))
            vectors.withUnsafeMutableBufferPointer { WordVectors.decodeRow(row, into: $0.baseAddress! + slot * WordVectors.dimensions) }
            slots[word] = slot
            return slot
        }
    }

    private mutating func accumulate(_ text: String, into s: Int, cache: inout WordCache) {
        let n = dimensions
        for word in Self.words(text) {
            guard let slot = cache.slot(of: word) else { continue }
            let w = cache.weights[slot]
            cache.vectors.withUnsafeBufferPointer { vectors in
                components.withUnsafeMutableBufferPointer { out in
                    for d in 0..<n { out[s * n + d] += w * vectors[slot * n + d] }
                }
            }
        }
    }

    /// Below this many sentences the set's main direction is the sentences themselves, not what
    /// they have in common: the general discourse direction (`WordVectors.Table.discourse`) is
    /// removed instead.
    static let commonComponentMinimum = 20

    /// The set's first principal direction (uncentred, as in Arora et al.), by power iteration
    /// from a fixed start, then each sentence's projection on it taken away.
    private mutating func removeCommonComponent() {
        guard count >= Self.commonComponentMinimum else { return remove(WordVectors.table.discourse) }
        precondition(dimensions % 4 == 0, "the power iteration adds four components at a time")
        var direction = [Float](repeating: 1 / Float(dimensions).squareRoot(), count: dimensions)
        for _ in 0..<30 {
            var next = [Float](repeating: 0, count: dimensions)
            let p = projections(on: direction), n = dimensions
            // next[d] += p[s] * c[s][d], four components per instruction: each element still gets
            // one multiply and one add in sentence order, so the bits are those of the scalar loop.
            components.withUnsafeBufferPointer { c in
                next.withUnsafeMutableBufferPointer { next in
                    let out = UnsafeMutableRawPointer(next.baseAddress!)
                    for s in 0..<count {
                        let row = UnsafeRawPointer(c.baseAddress! + s * n), weight = SIMD4<Float>(repeating: p[s])
                        for d in stride(from: 0, to: n, by: 4) {
                            let sum =
                                out.loadUnaligned(fromByteOffset: d * 4, as: SIMD4<Float>.self)
                                + weight * row.loadUnaligned(fromByteOffset: d * 4, as: SIMD4<Float>.self)
                            out.storeBytes(of: sum, toByteOffset: d * 4, as: SIMD4<Float>.self)
                        }
                    }
                }
            }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return }
            direction = next.map { $0 / norm }
        }
        remove(direction)
    }

    private mutating func remove(_ direction: [Float]) {
        let p = projections(on: direction)
        for s in 0..<count {
            for d in 0..<dimensions { components[s * dimensions + d] -= p[s] * direction[d] }
        }
    }

    /// Each sentence's projection on `direction`, each summed in component order (a float sum is
    /// not reordered); four sentences at a time, so four independent sums keep the adder busy
    /// instead of one waiting on the last (the power iteration computes 30 × count of them).
    func projections(on direction: [Float]) -> [Float] {
        let n = dimensions
        var out = [Float](repeating: 0, count: count)
        components.withUnsafeBufferPointer { c in
            direction.withUnsafeBufferPointer { v in
                var s = 0
                while s + 4 <= count {
                    var p0: Float = 0, p1: Float = 0, p2: Float = 0, p3: Float = 0
                    let a = s * n, b = a + n, e = b + n, f = e + n
                    for d in 0..<n {
                        p0 += c[a + d] * v[d]; p1 += c[b + d] * v[d]; p2 += c[e + d] * v[d]; p3 += c[f + d] * v[d]
                    }
                    out[s] = p0; out[s + 1] = p1; out[s + 2] = p2; out[s + 3] = p3
                    s += 4
                }
                while s < count {
                    var p: Float = 0
                    for d in 0..<n { p += c[s * n + d] * v[d] }
                    out[s] = p
                    s += 1
                }
            }
        }
        return out
    }

    private mutating func normalise() {
        for s in 0..<count {
            var norm: Float = 0
            for d in 0..<dimensions { norm += components[s * dimensions + d] * components[s * dimensions + d] }
            guard norm > 0 else { continue }
            let inverse = 1 / norm.squareRoot()
            for d in 0..<dimensions { components[s * dimensions + d] *= inverse }
        }
    }
}
