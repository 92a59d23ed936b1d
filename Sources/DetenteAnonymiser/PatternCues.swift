import DetenteModel

extension PatternDetector {
    /// What a text contains, counted in one pass over its bytes: a pattern runs only where its
    /// identifier could be (no '@', no email; fewer than seven digits, no phone number).
    struct Cues {
        var at = false, urlStart = false
        var digits = 0, colons = 0
        /// Longest run of digits.
        var longestDigitRun = 0
        /// Id shapes: five digits in a row, or four after a capital letter or a dash ("E1234", "CTR-0932").
        var idShape = false
        /// "WDC 000731": five digits after a capital letter and a space.
        var spacedIDShape = false
        /// "1.2" shapes: an IPv4 address has three.
        var dottedDigits = 0
        /// "x1234": an extension.
        var extensionShape = false
        /// "555-0142": three digits, a dot or dash, four digits.
        var localNumberShape = false
        /// "ext", "pager", "bleep", "beeper": a short number after them is a phone number.
        var extensionWord = false

        init(_ text: String) {
            var previous: UInt8 = 0, beforePrevious: UInt8 = 0, third: UInt8 = 0
            var run = 0
            var xBeforeRun = false, letterBeforeRun = false, capitalSpaceBeforeRun = false
            var threeThenSeparator = false, afterThreeAndSeparator = false
            var nonASCII = false
            func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
            for byte in text.utf8 {
                let lower = byte | 0x20
                switch byte {
                case UInt8(ascii: "@"): at = true
                case UInt8(ascii: "."):
                    if previous | 0x20 == UInt8(ascii: "w"), beforePrevious | 0x20 == UInt8(ascii: "w"), third | 0x20 == UInt8(ascii: "w") { urlStart = true }
                case UInt8(ascii: ":"): colons += 1
                case UInt8(ascii: "/"): if previous == UInt8(ascii: "/"), beforePrevious == UInt8(ascii: ":") { urlStart = true }
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    digits += 1
                    if run == 0 {
                        xBeforeRun = previous | 0x20 == UInt8(ascii: "x")
                        letterBeforeRun = previous &- UInt8(ascii: "A") < 26 || previous == UInt8(ascii: "-") || previous == UInt8(ascii: "/")
                        capitalSpaceBeforeRun = previous == UInt8(ascii: " ") && beforePrevious &- UInt8(ascii: "A") < 26
                        afterThreeAndSeparator = threeThenSeparator
                    }
                    run += 1
                    if run >= 5 || run == 4 && letterBeforeRun { idShape = true }
                    if run == 5 && capitalSpaceBeforeRun { spacedIDShape = true }
                    longestDigitRun = max(longestDigitRun, run)
                    if run >= 3 && xBeforeRun { extensionShape = true }
                    if previous == UInt8(ascii: "."), isDigit(beforePrevious) { dottedDigits += 1 }
                case 0x80...: nonASCII = true
                default: break
                }
                if !isDigit(byte) {
                    if run == 4 && afterThreeAndSeparator { localNumberShape = true }
                    threeThenSeparator = run == 3 && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "."))
                    run = 0
                }
                if lower == UInt8(ascii: "t") && beforePrevious | 0x20 == UInt8(ascii: "e") && previous | 0x20 == UInt8(ascii: "x")
                    || lower == UInt8(ascii: "p") && beforePrevious | 0x20 == UInt8(ascii: "e") && previous | 0x20 == UInt8(ascii: "e")
                    || lower == UInt8(ascii: "r") && beforePrevious | 0x20 == UInt8(ascii: "g") && previous | 0x20 == UInt8(ascii: "e")
                {
                    extensionWord = true  // "ext", "bleep"/"beeper", "pager"
                }
                third = beforePrevious; beforePrevious = previous; previous = byte
            }
            if run == 4 && afterThreeAndSeparator { localNumberShape = true }
            // Other scripts' digits (٣, ３) match the patterns' \d too: no shortcuts for such text.
            if nonASCII, text.unicodeScalars.contains(where: { !$0.isASCII && $0.properties.numericType == .decimal }) {
                self = .everything
            }
        }

        /// Every pattern runs over the whole text: for full scans, and for text whose digits the
        /// byte cues cannot see.
        static let everything = Cues(everything: ())
        /// Whether the byte cues describe the text (false for `everything`).
        private(set) var fromBytes = true

        private init(everything: ()) {
            fromBytes = false
            at = true; urlStart = true; digits = .max; colons = .max; longestDigitRun = .max; idShape = true; spacedIDShape = true; dottedDigits = .max
            extensionShape = true; extensionWord = true; localNumberShape = true
        }
    }
}
