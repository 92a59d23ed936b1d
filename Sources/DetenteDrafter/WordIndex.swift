/// Word → row of the compiled-in vocabulary, read from `WordVectorData.words`' own bytes: an
/// open-addressing table of row numbers (FNV-1a hash, linear probing). Building a
/// `[String: Int32]` of 30,000 words was a tenth of a fresh process's first draft; this takes
/// a fraction of a millisecond. A later duplicate of a word wins, as in a dictionary built in order.
struct WordIndex: Sendable {
    /// Byte range of each word in the list.
    private let starts: [Int32], ends: [Int32]
    /// Row + 1 per slot; 0 for an empty slot. A power of two at least twice the word count.
    private let slots: [Int32]

    var count: Int { starts.count }

    init() {
        var text = WordVectorData.words
        var starts: [Int32] = [], ends: [Int32] = []
        text.withUTF8 { bytes in
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 10 {
                if i > start { starts.append(Int32(start)); ends.append(Int32(i)) }
                start = i + 1
            }
        }
        var capacity = 1
        while capacity < 2 * max(ends.count, 1) { capacity <<= 1 }
        var slots = [Int32](repeating: 0, count: capacity)
        text.withUTF8 { bytes in
            for r in 0..<ends.count {
                let word = UnsafeBufferPointer(rebasing: bytes[Int(starts[r])..<Int(ends[r])])
                var slot = Self.hash(word) & (capacity - 1)
                while slots[slot] != 0 && !Self.equal(word, Self.word(Int(slots[slot]) - 1, starts: starts, ends: ends, in: bytes)) {
                    slot = (slot + 1) & (capacity - 1)
                }
                slots[slot] = Int32(r + 1)
            }
        }
        self.starts = starts
        self.ends = ends
        self.slots = slots
    }

    /// The row of `word`, or nil when the vocabulary does not hold it.
    func row(of word: String) -> Int32? {
        var word = word, list = WordVectorData.words
        return word.withUTF8 { key in
            list.withUTF8 { bytes in
                var slot = Self.hash(key) & (slots.count - 1)
                while slots[slot] != 0 {
                    let r = Int(slots[slot]) - 1
                    if Self.equal(key, Self.word(r, starts: starts, ends: ends, in: bytes)) { return Int32(r) }
                    slot = (slot + 1) & (slots.count - 1)
                }
                return nil
            }
        }
    }

    private static func word(_ r: Int, starts: [Int32], ends: [Int32], in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(starts[r])..<Int(ends[r])])
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    /// FNV-1a, 64 bits.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}
