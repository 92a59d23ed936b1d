import DetenteModel
import Foundation
import Testing

/// `trimmingWhitespace` is Foundation's `.whitespacesAndNewlines` trim without its cost.
@Suite struct TrimmingTests {
    @Test func knownCases() {
        #expect("  a b \n".trimmingWhitespace() == "a b")
        #expect("\u{3000}\u{A0}text\u{2029}\u{85}".trimmingWhitespace() == "text")
        #expect(" \t\n ".trimmingWhitespace() == "")
        #expect("".trimmingWhitespace() == "")
        #expect("visible".trimmingWhitespace() == "visible")
        #expect("\u{200B}zero width space, as Foundation trims it\u{200B}".trimmingWhitespace() == "zero width space, as Foundation trims it")
        #expect("\u{FEFF}byte order mark\u{FEFF}".trimmingWhitespace() == "\u{FEFF}byte order mark\u{FEFF}")
    }

    @Test func trimsExactlyFoundationsScalars() {
        let set = CharacterSet.whitespacesAndNewlines
        for v in 0...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            if set.contains(u) != String.isTrimmed(u) { Issue.record("U+\(String(v, radix: 16))") }
        }
    }

    /// Seed printed: random strings of white space, marks and letters trim as Foundation trims them.
    @Test func agreesWithFoundation() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("TrimmingTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let pieces = [
            " ", "\t", "\n", "\r", "\u{B}", "\u{C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{200A}", "\u{2028}",
            "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}", "\u{FEFF}", "a", "é", "e\u{301}", "😀", "\u{301}", "~"
        ]
        for _ in 0..<3_000 {
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(s.trimmingWhitespace() == s.trimmingCharacters(in: .whitespacesAndNewlines), "seed \(seed): \(s.debugDescription)")
        }
    }
}
