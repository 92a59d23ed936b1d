@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

@Suite struct JSONParserTests {
    @Test func roundTripsEveryValueKind() throws {
        let value: JSON = ["s": "a\"b\\c\n\u{1}é😀<>&", "i": -42, "d": .double(1.5), "t": true, "f": false, "n": nil, "a": [1, "x", ["k": []]]]
        #expect(try JSONParser.parse(value.encoded()) == value)
    }

    @Test func rejectsMalformedInputWithAReasonAndOffset() {
        for (text, fragment) in [
            ("{", "string key"), ("[1", "unterminated"), ("{\"a\" 1}", "':'"), ("[1,]", "unexpected"), ("tru", "literal"), ("\"\\x\"", "escape"),
            ("01", "trailing"), ("{\"a\":1}x", "trailing"), ("\"\\ud800\"", "surrogate"), ("1e", "exponent")
        ] {
            do { _ = try JSONParser.parse(text); Issue.record("accepted \(text)") } catch {
                #expect(error.reason.contains(fragment), "\(text): \(error.reason)")
            }
        }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { _ = try JSONParser.parse(deep) }
    }

    /// Fuzz: random byte strings and mutations of valid frames never crash the parser, and
    /// whatever it accepts re-encodes to something it parses to the same value.
    @Test func fuzzNeverCrashesAndAcceptedInputRoundTrips() {
        var rng = SplitMix64(seed: 12345)
        let seeds = [#"{"type":"submit","kind":"outmodel","text":"hi","ref":1}"#, #"{"type":"vote","id":"i_1","on":true}"#, #"[1,2.5e3,"x",null]"#]
        let alphabet = Array("{}[]\":,0123456789.eE+-truefalsn\\u abc\n\t".utf8)
        for round in 0..<5_000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            ByteMutation.mutate(&bytes, alphabet: alphabet, using: &rng)
            let text = String(decoding: bytes, as: UTF8.self)
            if let value = try? JSONParser.parse(text) {
                #expect((try? JSONParser.parse(value.encoded())) == value, "\(text)")
            }
        }
    }

    @Test func eventsRoundTripThroughTheirJournalForm() throws {
        let h = try VisibilityTests.fullHistory()
        for e in h.events {
            let decoded = try Event(json: try JSONParser.parse(e.json.encoded()))
            #expect(decoded == e, "\(e.name)")
        }
    }
}
