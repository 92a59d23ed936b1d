@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Foundation
import Testing

/// Markdown and HTML come from one walk over the transcript's sections: both show the same
/// headings, in the same order, over the same list entries.
@Suite struct TranscriptSectionsTests {
    /// (level, text) of every `##`/`###` heading of a Markdown transcript, unescaped.
    static func markdownHeadings(_ md: String) -> [(Int, String)] {
        md.split(separator: "\n").compactMap { line in
            for (level, mark) in [(3, "### "), (2, "## ")] where line.hasPrefix(mark) {
                return (level, line.dropFirst(mark.count).replacingOccurrences(of: "\\", with: ""))
            }
            return nil
        }
    }

    /// (level, text) of every `<h2>`/`<h3>` heading of an HTML transcript, unescaped.
    static func htmlHeadings(_ html: String) -> [(Int, String)] {
        let pattern = try! NSRegularExpression(pattern: "<h([23])>(.*?)</h\\1>")
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
            let level = Int(html[Range(m.range(at: 1), in: html)!])!
            let text = String(html[Range(m.range(at: 2), in: html)!])
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            return (level, text)
        }
    }

    @Test func markdownAndHTMLShowTheSameSectionsInTheSameOrder() throws {
        let h = try VisibilityCoverageTests.everyKind()
        let transcript = Transcript(workshop: h.w)
        let md = try #require(transcript.render("md", attendance: ["Ann", "Bo"])).body
        let html = try #require(transcript.render("html", attendance: ["Ann", "Bo"])).body
        let fromMarkdown = Self.markdownHeadings(md), fromHTML = Self.htmlHeadings(html)
        #expect(fromMarkdown.map(\.1) == fromHTML.map(\.1))
        #expect(fromMarkdown.map(\.0) == fromHTML.map(\.0))
        for expected in ["Prompts", "Agreement", "Facilitator's notes", "Attendance"] {
            #expect(fromMarkdown.contains { $0.1 == expected }, "no \(expected) section")
        }
        // Every list entry of one format is one of the other: count "- " lines against <li>.
        let markdownEntries = md.split(separator: "\n").filter { $0.hasPrefix("- ") || $0.hasPrefix("  - ") }.count
        let htmlEntries = html.components(separatedBy: "<li>").count - 1
        #expect(markdownEntries == htmlEntries)
    }

    @Test func aWorkshopWithoutADraftHasNoAgreementSection() throws {
        var h = Harness(k: 1)
        try h.join("a", "dev")
        let transcript = Transcript(workshop: h.w)
        for format in ["md", "html"] {
            let body = try #require(transcript.render(format)).body
            #expect(!body.contains("Agreement") && !body.contains("Perception gaps") && !body.contains("Attendance"), "\(format)")
            #expect(body.contains("Prompts"), "\(format)")
        }
    }
}
