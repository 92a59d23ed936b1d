import DetenteModel
import Foundation

/// English words with their parts of speech and lemmas, and British spellings with their American
/// forms, read once from `LexiconData` (built by tools/build_lexicon.py from LemmInflect, MIT).
enum Lexicon {
    struct Entry: Sendable, Equatable {
        let tags: Tags
        let lemma: String
        /// The lemma when the word is read as a noun ("bit", whose verb lemma is "bite").
        let nounLemma: String
    }

    /// Parts of speech a word can be, as bits.
    struct Tags: OptionSet, Sendable {
        let rawValue: UInt8
        static let verb = Tags(rawValue: 1), noun = Tags(rawValue: 2), adjective = Tags(rawValue: 4)
        static let adverb = Tags(rawValue: 8), auxiliary = Tags(rawValue: 16)

        init(rawValue: UInt8) { self.rawValue = rawValue }
        init(letters: Substring) {
            var t = Tags()
            for c in letters {
                switch c {
                case "v": t.insert(.verb)
                case "n": t.insert(.noun)
                case "a": t.insert(.adjective)
                case "r": t.insert(.adverb)
                case "x": t.insert(.auxiliary)
                default: break
                }
            }
            self = t
        }
    }

    /// Every entry as a dictionary, built on first use (tests); the drafter reads `entry(_:)`.
    static let entries: [String: Entry] = parseEntries()

    /// The word list's lines by word, over its own bytes (no dictionary of 21,000 entries at start-up).
    static let index = LineIndex(LexiconData.entries)

    /// The entry of a word, parsed from its line; nil for words outside the lexicon.
    static func entry(_ word: String) -> Entry? {
        index.line(of: word).flatMap { n in index.withLine(n) { parseLine($0)?.entry } }
    }

    /// Whether the lexicon has the word (a line it could not parse counts as absent, as in `entries`).
    static func isKnown(_ word: String) -> Bool { entry(word) != nil }

    static let american: [String: String] = {
        var map: [String: String] = [:]
        for line in LexiconData.spelling.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { map[String(parts[0])] = String(parts[1]) }
        }
        return map
    }()

    /// American spelling of a lowercased word; regular -ise/-isation forms outside the word list
    /// ("containerise", "prioritisation") follow the same rule when the -ize form is known.
    static func americanSpelling(_ word: String) -> String {
        if let us = american[word] { return us }
        if word.utf8.contains(UInt8(ascii: "-")) { return word.split(separator: "-", omittingEmptySubsequences: false).map { americanSpelling(String($0)) }.joined(separator: "-") }
        for (uk, us) in [("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ise", "ize"), ("ises", "izes")] where word.hasSuffix(uk) {
            let stem = String(word.dropLast(uk.count))
            if isKnown(stem + us) || isKnown(stem + "ize") { return stem + us }
        }
        return word
    }

    /// Parses the compiled-in word list by bytes: it is read once per process, at the first draft.
    static func parseEntries() -> [String: Entry] {
        var map: [String: Entry] = [:]
        map.reserveCapacity(22_000)
        var text = LexiconData.entries
        text.withUTF8 { bytes in
            var lineStart = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == 10 {
                if let (word, entry) = parseLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<end])) { map[word] = entry }
                lineStart = end + 1
            }
        }
        return map
    }

    /// One line: word, parts of speech, then the lemma and the noun lemma when they differ.
    static func parseLine(_ line: UnsafeBufferPointer<UInt8>) -> (word: String, entry: Entry)? {
        // The first four space-separated fields (an entry has at most four), kept without an array:
        // one allocation per line was a third of the parse.
        var fields = (0..<0, 0..<0, 0..<0, 0..<0), count = 0
        var start = 0
        for i in 0...line.count where i == line.count || line[i] == 32 {
            if start < i {
                switch count {
                case 0: fields.0 = start..<i
                case 1: fields.1 = start..<i
                case 2: fields.2 = start..<i
                case 3: fields.3 = start..<i
                default: break
                }
                count += 1
            }
            start = i + 1
        }
        guard count >= 2 else { return nil }
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: line[r]), as: UTF8.self) }
        let word = text(fields.0)
        let lemma = count > 2 ? text(fields.2) : word
        var tags = Tags()
        for b in line[fields.1] {
            switch b {
            case UInt8(ascii: "v"): tags.insert(.verb)
            case UInt8(ascii: "n"): tags.insert(.noun)
            case UInt8(ascii: "a"): tags.insert(.adjective)
            case UInt8(ascii: "r"): tags.insert(.adverb)
            case UInt8(ascii: "x"): tags.insert(.auxiliary)
            default: break
            }
        }
        return (word, Entry(tags: tags, lemma: lemma, nounLemma: count > 3 ? text(fields.3) : lemma))
    }

    /// What the drafter reads of one word, computed once per word and process.
    struct WordInfo: Sendable {
        /// `americanSpelling` of the word.
        let american: String
        let tags: Tags
        let lemma: String
        let nounLemma: String
        /// The noun lemma after typo correction, for object words.
        let correctedNounLemma: String
    }

    /// A memo of `WordInfo` by word: parsing an ask looks up each word several times, and a
    /// workshop repeats its vocabulary. Cleared when it grows past a bound.
    static let memo = LockedMemo<WordInfo>()

    static func info(_ w: String) -> WordInfo {
        if let hit = memo.withLock({ $0[w] }) { return hit }
        let us = americanSpelling(w)
        let corrected = Self.corrected(w, american: us)
        let nounLemma = computeNounLemma(american: us)
        let value = WordInfo(
            american: us, tags: entry(us)?.tags ?? [], lemma: computeLemma(american: us), nounLemma: nounLemma,
            correctedNounLemma: corrected == w ? nounLemma : computeNounLemma(corrected))
        memo.withLock { map in
            if map.count > 100_000 { map.removeAll(keepingCapacity: true) }
            map[w] = value
        }
        return value
    }

    static func lemma(_ word: String) -> String { info(word).lemma }
    static func nounLemma(_ word: String) -> String { info(word).nounLemma }
    static func tags(_ word: String) -> Tags { info(word).tags }
    /// `americanSpelling`, memoised with the rest of the word's information.
    static func american(_ word: String) -> String { info(word).american }

    /// The lemma of a lowercased word in American spelling, or the word itself when unknown.
    static func computeLemma(_ word: String) -> String { computeLemma(american: americanSpelling(word)) }

    static func computeLemma(american us: String) -> String {
        if let entry = entry(us) { return americanSpelling(entry.lemma) }
        // Rarer -ize verbs outside the word list: "prioritized" → "prioritize" when that is known.
        for (suffix, base) in [("ized", "ize"), ("izing", "ize"), ("izes", "ize")] where us.hasSuffix(suffix) {
            let candidate = String(us.dropLast(suffix.count)) + base
            if isKnown(candidate) { return candidate }
        }
        return us
    }

    /// The lemma of a word read as a noun (in an object phrase), American spelling.
    static func computeNounLemma(_ word: String) -> String { computeNounLemma(american: americanSpelling(word)) }

    static func computeNounLemma(american us: String) -> String {
        entry(us).map { americanSpelling($0.nounLemma) } ?? us
    }

    /// The parts of speech a word can be; empty for words outside the lexicon (jargon, acronyms).
    static func computeTags(_ word: String) -> Tags { entry(americanSpelling(word))?.tags ?? [] }
}

extension Lexicon {
    /// A word outside the lexicon that is one edit (deletion, insertion, substitution or swap of
    /// neighbours) from a known word of five letters or more, as that word ("enviroment",
    /// "recieve"); other words unchanged. Short words and acronyms are left alone: too many
    /// are one edit from something.
    static func corrected(_ word: String) -> String { corrected(word, american: americanSpelling(word)) }

    /// `corrected`, given the word's American spelling.
    static func corrected(_ word: String, american: String) -> String {
        guard word.count >= 6, !isKnown(american), word.allSatisfy({ $0.isLetter }) else { return word }
        return asciiCorrected(word) ?? characterCorrected(word)
    }

    /// The candidates of `characterCorrected`, in its order, for an ASCII lower-case word (as
    /// bytes: building a `String` per candidate from `Character`s was most of the search); nil
    /// for other words.
    static func asciiCorrected(_ word: String) -> String? {
        let bytes = Array(word.utf8)
        guard bytes.allSatisfy({ $0 &- UInt8(ascii: "a") < 26 }), let first = bytes.first else { return nil }
        func known(_ c: [UInt8]) -> String? {
            guard c.first == first else { return nil }
            let w = String(decoding: c, as: UTF8.self)
            return isKnown(w) ? w : nil
        }
        let letters = UInt8(ascii: "a")...UInt8(ascii: "z")
        for i in bytes.indices { var c = bytes; c.remove(at: i); if let w = known(c) { return w } }
        for i in bytes.indices.dropLast() { var c = bytes; c.swapAt(i, i + 1); if let w = known(c) { return w } }
        for i in 0...bytes.count { for l in letters { var c = bytes; c.insert(l, at: i); if let w = known(c) { return w } } }
        for i in bytes.indices { for l in letters where l != bytes[i] { var c = bytes; c[i] = l; if let w = known(c) { return w } } }
        return word
    }

    /// The edit search on `Character`s, for any word of letters.
    static func characterCorrected(_ word: String) -> String {
        let chars = Array(word)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        // Typos rarely touch the first letter, and jargon ("Tenable") is often one edit from a word.
        func known(_ c: [Character]) -> String? { let w = String(c); return c.first == chars.first && isKnown(w) ? w : nil }
        for i in chars.indices {  // deletion: "enviroinment"
            var c = chars; c.remove(at: i); if let w = known(c) { return w }
        }
        for i in chars.indices.dropLast() {  // swapped neighbours: "recieve"
            var c = chars; c.swapAt(i, i + 1); if let w = known(c) { return w }
        }
        for i in 0...chars.count {  // missing letter: "enviroment"
            for l in letters { var c = chars; c.insert(l, at: i); if let w = known(c) { return w } }
        }
        for i in chars.indices {  // wrong letter: "dashbaord" is a swap; "permision" a missing letter
            for l in letters where l != chars[i] { var c = chars; c[i] = l; if let w = known(c) { return w } }
        }
        return word
    }
}

/// A dictionary by word reachable only inside `withLock`, so it cannot be left locked.
final class LockedMemo<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var map: [String: Value] = [:]
    func withLock<R>(_ body: (inout [String: Value]) -> R) -> R { lock.withLock { body(&map) } }
}
