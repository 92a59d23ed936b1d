@testable import DetenteDrafter
@testable import DetenteModel
import Testing

/// The drafter's fast paths (ASCII byte tokenisers, SIMD dot product, guards checked before a
/// cosine) give exactly what the paths they replaced give. Randomised: each test prints its seed.
@Suite struct DrafterFastPathTests {
    /// Letters, digits and every separator the tokenisers treat specially, plus word fragments
    /// that exercise times, versions and contractions.
    static let pieces = [
        "a", "Z", "q", "0", "7", " ", "  ", ".", ":", ",", ";", "!", "?", "(", ")", "-", "'", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}",
        "\"", "/", "&", "10:00", "08:00-11:00", "v1.2", "1.", ":5", "don't", "on-call", "--x", "'tis", "Deploy", "THE", "e.g.", "3.4.5", "a:b"
    ]

    static func randomText(_ rng: inout SplitMix64) -> String {
        (0..<Int(rng.next() % 24)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    static func seed() -> UInt64 {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("DrafterFastPathTests seed \(seed)")
        return seed
    }

    @Test func asciiClauseWordsMatchTheScalarPath() {
        var rng = SplitMix64(seed: Self.seed())
        for _ in 0..<5_000 {
            let text = Self.randomText(&rng)
            #expect(AskParser.asciiClauseWords(text) == AskParser.scalarClauseWords(text), "\(text.debugDescription)")
            #expect(AskParser.words(text) == AskParser.scalarWords(text), "\(text.debugDescription)")
        }
    }

    @Test func asciiTokensMatchTheScalarPath() {
        var rng = SplitMix64(seed: Self.seed())
        for _ in 0..<5_000 {
            let text = Self.randomText(&rng)
            #expect(Tokens.words(text) == Tokens.scalarWords(text), "\(text.debugDescription)")
            #expect(SentenceVectors.asciiWords(text) == SentenceVectors.scalarWords(text), "\(text.debugDescription)")
        }
    }

    @Test func rememberedStemsMatchTheStemmer() {
        var rng = SplitMix64(seed: Self.seed())
        var memo = StemMemo()
        let words = ["deploys", "deploying", "deployed", "stopped", "classes", "patches", "policies", "status", "analysis", "bus", "ran"]
        for _ in 0..<2_000 {
            let text = (0..<Int(rng.next() % 12)).map { _ in rng.next() % 3 == 0 ? Self.randomText(&rng) : words[Int(rng.next() % UInt64(words.count))] }
                .joined(separator: " ")
            #expect(memo.stems(text) == Stemmer.stems(text), "\(text.debugDescription)")
        }
    }

    @Test func nonASCIITextTakesTheScalarPath() {
        let text = "Café déploiement, l’équipe: 10:00."
        #expect(AskParser.asciiClauseWords(text) == nil)
        #expect(SentenceVectors.asciiWords(text) == nil)
        #expect(Tokens.words(text) == ["café", "déploiement", "l'équipe", "10", "00"])
    }

    /// The SIMD dot product adds in the scalar loop's order, so the bits agree, not just the value.
    @Test func simdDotProductIsBitIdenticalToFourRunningSums() {
        var rng = SplitMix64(seed: Self.seed())
        let n = 96
        for _ in 0..<2_000 {
            let x = (0..<n).map { _ in Float(Int(rng.next() % 2001) - 1000) / 997 }
            let y = (0..<n).map { _ in Float(Int(rng.next() % 2001) - 1000) / 991 }
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            var d = 0
            while d + 4 <= n { s0 += x[d] * y[d]; s1 += x[d + 1] * y[d + 1]; s2 += x[d + 2] * y[d + 2]; s3 += x[d + 3] * y[d + 3]; d += 4 }
            let expected = (s0 + s1) + (s2 + s3)
            let simd = x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in SentenceVectors.dot(a.baseAddress!, b.baseAddress!, count: n) } }
            #expect(simd.bitPattern == expected.bitPattern)
        }
    }

    /// A pair the guards reject before its cosine would have scored 0 at every cosine.
    @Test func pairsTheGuardsRejectScoreZero() {
        var rng = SplitMix64(seed: Self.seed())
        let texts = [
            "Publish the maintenance calendar.", "If you give us a window, we will patch faster.", "Run a joint retro together.",
            "Be nicer.", "Share the on-call rota with both teams.", "Automate the deployment pipeline by Friday.", "Respect us."
        ]
        let departments = ["dev", "ops", "security"]
        let drafter = AgreementDrafter()
        var wordIDs: [String: Int32] = [:]
        var stems = StemMemo()
        let reqs = (0..<60).map { k in
            let item = AnalysisItem(
                id: "r\(k)", department: departments[Int(rng.next() % 3)], kind: .requirement, target: departments[Int(rng.next() % 3)],
                text: texts[Int(rng.next() % UInt64(texts.count))])
            return drafter.features(item, coach: Coach(), wordIDs: &wordIDs, stems: &stems)
        }
        let guards = AgreementDrafter.SemanticGuards(reqs, requireSameTarget: drafter.requireSameTarget)
        var rejected = 0
        for i in reqs.indices {
            for j in reqs.indices where j > i && !guards.mayPair(i, j) {
                rejected += 1
                for cosine in [0.3, 0.5, 0.8, 1.0] { #expect(drafter.semanticConfidence(reqs[i], reqs[j], cosine: cosine) == 0) }
            }
        }
        #expect(rejected > 0)
        // The blocks the pair loop visits hold every admitted pair exactly once, as i < j.
        for sameTarget in [true, false] {
            let guards = AgreementDrafter.SemanticGuards(reqs, requireSameTarget: sameTarget)
            var visited: [Int: Int] = [:]
            for (members, admits) in guards.blocks() {
                for (p, i) in members.enumerated() {
                    for j in members[(p + 1)...] where admits(i, j) && guards.mayPair(i, j) {
                        #expect(i < j)
                        visited[i * reqs.count + j, default: 0] += 1
                    }
                }
            }
            var expected: [Int: Int] = [:]
            for i in reqs.indices { for j in reqs.indices where j > i && guards.mayPair(i, j) { expected[i * reqs.count + j] = 1 } }
            #expect(visited == expected, "requireSameTarget \(sameTarget)")
        }
    }
}

/// Word vectors decoded one row at a time equal the full decode.
@Suite struct WordVectorRowTests {
    @Test func aDecodedRowEqualsItsSliceOfTheFullDecode() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("WordVectorRowTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let n = WordVectors.dimensions, all = WordVectors.table.components
        let rows = [0, all.count / n - 1] + (0..<50).map { _ in Int(rng.next() % UInt64(all.count / n)) }
        var out = [Float](repeating: .nan, count: n)
        for r in rows {
            out.withUnsafeMutableBufferPointer { WordVectors.decodeRow(r, into: $0.baseAddress!) }
            #expect(out.map(\.bitPattern) == all[(r * n)..<(r * n + n)].map(\.bitPattern), "row \(r)")
        }
    }
}

/// `includes` (jumping with memchr) answers as the plain byte scan does.
@Suite struct TextSearchTests {
    @Test func jumpingSearchAgreesWithThePlainScan() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("TextSearchTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let alphabet = Array(" ab".utf8)
        func random(_ maxLength: UInt64) -> [UInt8] { (0..<Int(rng.next() % maxLength)).map { _ in alphabet[Int(rng.next() % 3)] } }
        for _ in 0..<20_000 {
            let hay = random(40), needle = random(6)
            let fast = hay.withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { byteSearch(h, $0) } }
            let plain = hay.withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { naiveByteSearch(h, $0) } }
            #expect(fast == plain, "\(hay) \(needle)")
        }
        #expect(" release freeze ".includes(" freeze "))
        #expect(!" release freez ".includes(" freeze "))
        #expect("abc".includes(""))
    }
}

/// Typo correction on bytes finds the same word as on `Character`s.
@Suite struct LexiconFastPathTests {
    @Test func asciiCorrectionMatchesTheCharacterSearch() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("LexiconFastPathTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let known = Lexicon.entries.keys.filter { $0.count >= 6 && $0.utf8.allSatisfy { $0 &- 97 < 26 } }.sorted()
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        for _ in 0..<300 {
            // A known word with one random edit, or random letters.
            var word = Array(known[Int(rng.next() % UInt64(known.count))].utf8)
            switch rng.next() % 4 {
            case 0: word.remove(at: Int(rng.next() % UInt64(word.count)))
            case 1: word.insert(letters[Int(rng.next() % 26)], at: Int(rng.next() % UInt64(word.count + 1)))
            case 2: word[Int(rng.next() % UInt64(word.count))] = letters[Int(rng.next() % 26)]
            default: word = (0..<6 + Int(rng.next() % 4)).map { _ in letters[Int(rng.next() % 26)] }
            }
            let text = String(decoding: word, as: UTF8.self)
            #expect(Lexicon.asciiCorrected(text) == Lexicon.characterCorrected(text), "\(text)")
        }
        #expect(Lexicon.asciiCorrected("déploiement") == nil)
    }
}

/// The byte-level vocabulary index answers as a dictionary of the word list does.
@Suite struct WordIndexTests {
    @Test func everyWordFindsItsRowAndOthersFindNone() {
        let index = WordVectors.table.words, dictionary = WordVectors.dictionary
        #expect(index.count == WordVectors.wordList().count)
        for (word, row) in dictionary { #expect(index.line(of: word) == Int(row), "\(word)") }
        for word in ["", "zzqxv", "the ", "thee\n", "déploiement", "kubectl"] { #expect(index.line(of: word).map(Int32.init) == dictionary[word], "\(word)") }
    }
}

/// The lexicon read line by line through its index gives the dictionary's entries.
@Suite struct LexiconIndexTests {
    @Test func everyEntryIsFoundAsTheDictionaryHasIt() {
        for (word, entry) in Lexicon.entries { #expect(Lexicon.entry(word) == entry, "\(word)") }
        for word in ["", "zzqxv", "deploy ", "déploiement"] { #expect(Lexicon.entry(word) == Lexicon.entries[word], "\(word)") }
    }
}
