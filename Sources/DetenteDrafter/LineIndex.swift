/// The lines of a compiled-in list (`WordVectorData.words`, `LexiconData.entries`) found by their
/// first word, read from the list's own bytes: an open-addressing table of line numbers (FNV-1a
/// hash, linear probing). Building a `[String: …]` of 20,000–30,000 words was a tenth of a fresh
/// process's first draft; this takes a fraction of a millisecond. A later line with the same
/// key wins, as in a dictionary built in order.
struct LineIndex: Sendable {
    let text: String
    /// Each line's byte range, and its key's (the line up to its first space).
    private let lines: [Range<Int32>], keyEnds: [Int32]
    /// Line + 1 per slot; 0 for an empty slot. A power of two at least twice the line count.
    private let slots: [Int32]

    var count: Int { lines.count }

    init(_ text: String) {
        self.text = text
        var list = text
        var lines: [Range<Int32>] = [], keyEnds: [Int32] = []
        var slots: [Int32] = []
        list.withUTF8 { bytes in
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 10 {
                if i > start {
                    lines.append(Int32(start)..<Int32(i))
                    keyEnds.append(Int32(bytes[start..<i].firstIndex(of: 32) ?? i))
                }
                start = i + 1
            }
            var capacity = 1
            while capacity < 2 * max(lines.count, 1) { capacity <<= 1 }
            slots = [Int32](repeating: 0, count: capacity)
            let key = { (n: Int) in UnsafeBufferPointer(rebasing: bytes[Int(lines[n].lowerBound)..<Int(keyEnds[n])]) }
            for n in lines.indices {
                var slot = Self.hash(key(n)) & (capacity - 1)
                while slots[slot] != 0 && !key(n).elementsEqual(key(Int(slots[slot]) - 1)) { slot = (slot + 1) & (capacity - 1) }
                slots[slot] = Int32(n + 1)
            }
        }
        self.lines = lines
        self.keyEnds = keyEnds
        self.slots = slots
    }

    /// The number of the line whose key is `word`, or nil.
    func line(of word: String) -> Int? {
        var word = word, list = text
        return word.withUTF8 { wanted in
            list.withUTF8 { bytes in
                var slot = Self.hash(wanted) & (slots.count - 1)
                while slots[slot] != 0 {
                    let n = Int(slots[slot]) - 1
                    if wanted.elementsEqual(UnsafeBufferPointer(rebasing: bytes[Int(lines[n].lowerBound)..<Int(keyEnds[n])])) { return n }
                    slot = (slot + 1) & (slots.count - 1)
                }
                return nil
            }
        }
    }

    /// Calls `body` with line `n`'s bytes.
    func withLine<R>(_ n: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var list = text
        return list.withUTF8 { body(UnsafeBufferPointer(rebasing: $0[Int(lines[n].lowerBound)..<Int(lines[n].upperBound)])) }
    }

    /// FNV-1a, 64 bits.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}
