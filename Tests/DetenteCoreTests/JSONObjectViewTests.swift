@testable import DetenteModel
@testable import DetenteWorkshop
import Testing

/// The in-place reader journal replay uses: it accepts exactly what the tree parser accepts (for
/// one object), reads the same values, and never crashes on garbage.
@Suite struct JSONObjectViewTests {
    /// The view of `text`, or the failure; `body` runs while the bytes live.
    static func withView<R>(_ text: String, _ body: (JSONObjectView) -> R) throws(JSONParser.Failure) -> R {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Failure) in
            var view = JSONObjectView()
            try view.load(buffer)
            return body(view)
        }
    }

    @Test func readsEveryValueKindAsTheTreeDoes() throws {
        let text = #"{"s":"plain","e":"a\"b\\c\n\u00e9😀\u003c","i":-42,"big":12345678901234567890,"d":1.5,"t":true,"f":false,"n":null,"a":[1,"x",{"k":[]}],"o":{"kind":"participant"},"s":"last wins"}"#
        let tree = try JSONParser.parse(text)
        try Self.withView(text) { view in
            #expect(view.json == tree)
            #expect(view.string("s") == "last wins" && view.string("e") == tree["e"]?.stringValue)
            #expect(view.int("i") == -42 && view.int("d") == nil && view.int("big") == tree["big"]?.intValue)
            #expect(view.bool("t") == true && view.bool("f") == false && view.bool("s") == nil)
            #expect(view.has("n") && view.value("n") == .null && !view.has("missing"))
            #expect(view.value("a") == tree["a"] && view.value("o") == tree["o"])
            #expect(view.string("s", hasPrefix: "last") && !view.string("s", hasPrefix: "lasx") && view.string("e", hasPrefix: "a\""))
        }
    }

    @Test func anEscapedKeyIsFoundByItsValue() throws {
        try Self.withView(#"{"t\u0065xt":"hi"}"#) { view in #expect(view.string("text") == "hi") }
    }

    @Test func refusesWhatIsNotOneObject() {
        for text in ["", "[]", "1", #""s""#, "{", #"{"a":1"#, #"{"a":1}x"#, #"{"a" 1}"#, #"{"a":"\x"}"#, "{\"a\":\"\u{1}\"}", #"{"a":01}"#, #"{"a":[1,]}"#] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try Self.withView(text) { _ in () } }
        }
    }

    /// Fuzz (seed printed): mutations of journal events and random bytes never crash the view,
    /// and it accepts a text exactly when the tree parser accepts it as an object, with the same value.
    @Test func fuzzAgreesWithTheTreeParserAndNeverCrashes() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("JSONObjectViewTests fuzz seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let seeds = try VisibilityCoverageTests.everyKind().events.map { $0.json.encoded() }
        let alphabet = Array("{}[]\":,0123456789.eE+-truefalsn\\u abc\n\t\u{7f}".utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 10 == 0 {
                bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = Array(seeds[round % seeds.count].utf8)
                ByteMutation.mutate(&bytes, alphabet: alphabet, using: &rng)
            }
            let tree = bytes.withUnsafeBufferPointer { try? JSONParser.parse(bytes: $0) }
            let viewed: JSON? = bytes.withUnsafeBufferPointer { buffer in
                var view = JSONObjectView()
                guard (try? view.load(buffer)) != nil else { return nil }
                return view.json
            }
            if case .object? = tree { #expect(viewed == tree, "seed \(seed) round \(round)") } else { #expect(viewed == nil, "seed \(seed) round \(round)") }
        }
    }

    /// Every event kind decodes from its bytes in place to the same event as from its tree.
    @Test func everyEventKindDecodesInPlaceAsFromItsTree() throws {
        let h = try VisibilityCoverageTests.everyKind()
        #expect(Set(h.events.map(VisibilityCoverageTests.kind(of:))).count == VisibilityCoverageTests.Kind.allCases.count)
        for e in h.events {
            let stored = e.json.encoded()
            let inPlace = try Self.withView(stored) { view in Result { () throws(Event.DecodingFailure) in try Event(fields: view) } }
            #expect(try inPlace.get() == e, "\(e.name)")
        }
    }

    @Test func aBadRecordInPlaceFailsWithTheTreesMessage() throws {
        for record in [#"{"e":"voted","p":"p_1","on":true}"#, #"{"e":"timer_started"}"#, #"{"e":"bot_said","to":7,"text":"hi"}"#, #"{"e":"teleported"}"#] {
            let tree: String
            let json = try JSONParser.parse(record)
            do { _ = try Event(json: json); tree = "" } catch { tree = error.description }
            let inPlace = try Self.withView(record) { view in
                do throws(Event.DecodingFailure) { _ = try Event(fields: view); return "" } catch { return error.description }
            }
            #expect(!tree.isEmpty && inPlace == tree, "\(record)")
        }
    }
}

/// `JSON.writeString`'s fast path (no escape needed: one copy) and its escaping path agree with
/// the escaping rules, whatever the string holds.
@Suite struct JSONStringEncodingTests {
    @Test func plainStringsAreCopiedAndEveryEscapeIsStillMade() {
        #expect(JSON.string("p_00000000000000aa plain é 😀").encoded() == #""p_00000000000000aa plain é 😀""#)
        #expect(JSON.string("a\"b\\c\n<>&\u{2028}\u{2029}\u{1}").encoded() == #""a\"b\\c\n\u003c\u003e\u0026\u2028\u2029\u0001""#)
        #expect(JSON.string("€ starts with E2 too").encoded() == #""€ starts with E2 too""#)
    }

    /// Seed printed: random strings round-trip through encoding and parsing.
    @Test func randomStringsRoundTrip() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("JSONStringEncodingTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let pieces = ["a", "é", "😀", "\"", "\\", "\n", "<", "&", "\u{2028}", "\u{2029}", "€", "\u{7}", " ", "p_1"]
        for _ in 0..<2_000 {
            let s = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(try JSONParser.parse(JSON.string(s).encoded()) == .string(s), "seed \(seed): \(s.debugDescription)")
        }
    }
}

/// The byte writer's numbers and control escapes, which the string tests above do not reach.
@Suite struct JSONByteWriterTests {
    @Test func integersAreWrittenAsSwiftPrintsThem() {
        for i in [0, 7, -7, 10, 99, 100, -100, 1_796_150_520_000, Int.max, Int.min, Int.max - 1, Int.min + 1] {
            #expect(JSON.int(i).encoded() == String(i))
        }
    }

    @Test func everyControlByteGetsItsFourDigitEscape() throws {
        for b in 0..<0x20 {
            let s = String(UnicodeScalar(UInt8(b)))
            let encoded = JSON.string(s).encoded()
            let expected: String
            switch b {
            case 0x0A: expected = #""\n""#
            case 0x0D: expected = #""\r""#
            case 0x09: expected = #""\t""#
            default: expected = "\"\\u00" + (b < 16 ? "0" : "") + String(b, radix: 16) + "\""
            }
            #expect(encoded == expected)
            #expect(try JSONParser.parse(encoded) == .string(s))
        }
    }

    @Test func bytesAndStringAgree() {
        let value: JSON = ["a": [1, -2, "x\u{1}y", nil, true, .double(2.5)], "b": ["c": "€<"]]
        #expect(String(decoding: value.encodedBytes(), as: UTF8.self) == value.encoded())
        var s = "prefix"
        value.write(into: &s)
        #expect(s == "prefix" + value.encoded())
    }
}
