import DetenteModel
import Foundation

/// Removes personal identifiers from contribution text before anyone else sees it.
///
/// Deterministic and pure: the same text, roster and pseudonym table always give the same
/// output. People become `[Person A]`, `[Person B]`… consistently across a workshop through the
/// caller's pseudonym table; other identifiers get a typed placeholder. Each replacement records
/// the rule that fired so the author's before/after view can say why.
public struct Anonymiser: Sendable {
    public struct Result: Sendable, Equatable {
        public let text: String
        public let replacements: [Replacement]
    }

    struct Span {
        var range: Range<String.Index>
        var kind: PIIKind
        var rule: String
        var subject: String?
    }

    let roster: RosterIndex

    public init(roster: [String]) {
        self.roster = RosterIndex(roster)
    }

    /// Anonymises `text`, assigning new pseudonyms in `pseudonyms` (person key → placeholder).
    public func anonymise(_ text: String, pseudonyms: inout [String: String]) -> Result {
        let spans = detect(text)
        if spans.isEmpty { return Result(text: text, replacements: []) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var replacements: [Replacement] = []
        var cursor = text.startIndex
        for span in spans {
            out += text[cursor..<span.range.lowerBound]
            let placeholder: String
            if span.kind == .person {
                let key = span.subject ?? Anonymiser.personKey(String(text[span.range]))
                if let existing = pseudonyms[key] {
                    placeholder = existing
                } else {
                    placeholder = "[Person \(Anonymiser.letters(pseudonyms.count))]"
                    pseudonyms[key] = placeholder
                }
                replacements.append(Replacement(kind: .person, rule: span.rule, original: String(text[span.range]), placeholder: placeholder, subject: key))
            } else {
                placeholder = span.kind.placeholder
                replacements.append(Replacement(kind: span.kind, rule: span.rule, original: String(text[span.range]), placeholder: placeholder))
            }
            out += placeholder
            cursor = span.range.upperBound
        }
        out += text[cursor...]
        return Result(text: out, replacements: replacements)
    }

    /// Convenience for one-off use (CLI, tests): a fresh pseudonym table.
    public func anonymise(_ text: String) -> Result {
        var table: [String: String] = [:]
        return anonymise(text, pseudonyms: &table)
    }

    static func letters(_ n: Int) -> String {
        // A, B, … Z, AA, AB, …
        var n = n
        var s = ""
        repeat {
            s = String(UnicodeScalar(UInt8(65 + n % 26))) + s
            n = n / 26 - 1
        } while n >= 0
        return s
    }

    static func personKey(_ mention: String) -> String {
        Gazetteer.fold(mention)
    }

    /// Finds every identifier span, sorted and non-overlapping (earlier and longer spans win).
    func detect(_ text: String) -> [Span] {
        var spans: [Span] = []
        spans += PatternDetector.detect(text, roster: roster)
        spans += NameDetector(roster: roster).detect(text, excluding: spans)
        spans.sort { $0.range.lowerBound == $1.range.lowerBound ? $0.range.upperBound > $1.range.upperBound : $0.range.lowerBound < $1.range.lowerBound }
        var merged: [Span] = []
        for s in spans {
            if let last = merged.last, s.range.lowerBound < last.range.upperBound { continue }
            merged.append(s)
        }
        // Ordinary links were detected only to shield their insides from the other rules.
        return merged.filter { $0.rule != "keep" }
    }
}
