import Crypto
import DetenteCore
@testable import DetenteJournal
import Foundation
import Testing

/// The two sealed formats: `s2:` (one box per event) is written now; journals written with
/// `s1:` (one box per field) read, verify, replay and purge as they always did.
@Suite struct SealFormatTests {
    /// Every event kind with a sealed field (both bot audiences, both hand-overs), and some without.
    static func sealedKinds() -> [Event] {
        let (_, history) = sampleHistory(items: 3, text: { "Ann Lee (ann@example.com) pages us at night, point \($0)." })
        let item = history.compactMap { e -> Item? in
            if case let .itemSubmitted(i, _) = e { return i }; return nil
        }[0]
        var withClient = item
        withClient.clientID = "c-1"
        let repl = [Replacement(kind: .person, rule: "roster", original: "Ann Lee", placeholder: "[Person 1]", subject: "p_a")]
        return history + [
            .itemSubmitted(withClient, at: 1234), .itemEdited(item.id, text: "Ann Lee again", anonymised: "[Person 1] again", replacements: repl),
            .voted("p_a", item.id, on: true), .approved("p_b", true), .promptAdvanced("p_a", to: 2),
            .reacted("p_b", item.id, Reaction(verdict: .partly, comment: "[Person 1] is fine", original: "Ann Lee is fine", replacements: repl)),
            .endorsed("p_a", "c_1", support: true), .readyMarked("p_b"), .facilitationHanded("p_a"), .facilitationHanded(nil),
            .botSaid(.participant("p_a"), text: "Thanks, Ann Lee."), .botSaid(.everyone, text: "Welcome."), .ended
        ]
    }

    /// The old writer, kept for these tests only: each sealed field its own `s1:` box.
    static func sealedV1(_ event: Event, key: SymmetricKey) throws -> JSON {
        let json = event.json
        let fields = Visibility.sealedFields(of: json)
        guard case let .object(pairs) = json, !fields.isEmpty else { return json }
        return .object(
            try pairs.map { k, v in
                guard fields.contains(where: { $0.key.description == k }) else { return (k, v) }
                let box = try AES.GCM.seal(Array(v.encoded().utf8), using: key)
                return (k, .string("s1:" + box.combined!.base64EncodedString()))
            })
    }

    /// A journal as the old writer left it: records chained over `s1:` events, and its key.
    static func writeV1Journal(_ dir: String, _ events: [Event]) throws -> String {
        let keyBytes = (0..<32).map { UInt8($0 * 7 % 256) }
        try Data(keyBytes).write(to: URL(fileURLWithPath: AuthorSeal.keyPath(dir, "w_test")))
        var text = ""
        var prev = JournalRecord.genesis
        for (i, e) in events.enumerated() {
            let (line, hash) = JournalRecord.encode(seq: i + 1, at: 60_000, event: try sealedV1(e, key: SymmetricKey(data: keyBytes)), prev: prev)
            text += line
            prev = hash
        }
        let path = JournalWriter.journalPath(dir, "w_test")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Both read paths: the tree (`SessionStore.load`) and replay's in-place reader.
    static func readBothWays(_ dir: String) throws -> (tree: [Event], inPlace: [Event], contents: JournalReader.Contents) {
        let loaded = try SessionStore(directory: dir).load("w_test", mode: .readOnly, logger: quietLogger)
        let seal = try AuthorSeal.load(directory: dir, workshop: "w_test", create: false)
        var inPlace: [Event] = []
        let replayed = JournalReader.replay(data: try Data(contentsOf: URL(fileURLWithPath: JournalWriter.journalPath(dir, "w_test"))), seal: seal) {
            inPlace.append($1)
        }
        #expect(replayed.invalid == nil)
        return (loaded.events, inPlace, replayed.contents)
    }

    @Test func newJournalsSealEachEventInOneBoxAndReadBackBothWays() throws {
        let events = Self.sealedKinds()
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("s1:") && text.contains(#""sealed":"s2:"#))
        for secret in ["Ann Lee", "ann@example.com", "\"p_a\"", "\"p_b\"", "c-1", "\"author\"", "Thanks"] {
            #expect(!text.contains(secret), "\(secret) is in clear")
        }
        let (tree, inPlace, contents) = try Self.readBothWays(dir)
        #expect(tree == events && inPlace == events)
        #expect(contents.problem == nil && contents.streamedCount == events.count)
    }

    @Test func equalEventsGetUnrelatedBoxes() throws {
        let seal = AuthorSeal(keyBytes: Array(repeating: 9, count: 32))
        let boxes = try (0..<200).map { _ in try seal.sealed(.voted("p_a", "i_1", on: true))["sealed"]!.stringValue! }
        #expect(Set(boxes).count == boxes.count)
        #expect(Set(boxes.map { $0.prefix(3 + 16) }).count == boxes.count, "nonces differ")
    }

    @Test func oldJournalsStillReadVerifyAndReplayIdentically() throws {
        let events = Self.sealedKinds()
        let dir = tempDirectory()
        let path = try Self.writeV1Journal(dir, events)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("s1:"))
        let (tree, inPlace, contents) = try Self.readBothWays(dir)
        #expect(tree == events && inPlace == events)
        #expect(contents.problem == nil && contents.streamedCount == events.count)
        #expect(contents.lastHash == JournalReader.read(data: try Data(contentsOf: URL(fileURLWithPath: path))).records.last?.hash)
    }

    /// After purge both formats name nobody: stand-ins only, a different one for every sealed
    /// participant occurrence; for `s1:` exactly the stand-ins the old reader gave.
    @Test(arguments: [false, true])
    func purgedJournalsReadAsStandInsInBothFormats(v1: Bool) throws {
        let events = Self.sealedKinds()
        let dir = tempDirectory()
        let path = v1 ? try Self.writeV1Journal(dir, events) : writeJournal(dir, events)
        try SessionStore(directory: dir).purge("w_test")
        let (tree, inPlace, contents) = try Self.readBothWays(dir)
        #expect(contents.problem == nil && tree == inPlace && tree.count == events.count)
        let blob = tree.map { $0.json.encoded() }.joined(separator: "\n")
        for secret in ["Ann Lee", "ann@example.com", "\"p_a\"", "\"p_b\"", "c-1", "Thanks"] { #expect(!blob.contains(secret), "\(secret) survived purge") }
        let standIns = blob.matches(of: /x_[0-9a-f]{16}/).map { String($0.output) }
        #expect(standIns.count >= 10 && Set(standIns).count == standIns.count)
        if v1 {
            // The old reader's stand-in: "x_" + the first 8 bytes of SHA-256 of the sealed string.
            let records = JournalReader.read(data: try Data(contentsOf: URL(fileURLWithPath: path))).records
            let author = records.compactMap { $0.storedEvent["author"]?.stringValue }.first!
            let expected = "x_" + SHA256.hash(data: Array(author.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            #expect(standIns.contains(expected))
        }
        _ = try Workshop.replay(tree)
    }

    @Test func aBoxMovedToAnotherEventKindDoesNotOpen() throws {
        let seal = AuthorSeal(keyBytes: Array(repeating: 3, count: 32))
        let box = try seal.sealed(.readyMarked("p_a"))["sealed"]!
        let moved: JSON = ["e": "voted", "i": "i_1", "on": true, "sealed": box]
        #expect(seal.opened(moved)["p"]?.stringValue?.hasPrefix("x_") == true)
    }

    @Test func sealingWithoutAKeyIsRefused() {
        #expect(throws: JournalError.self) { try AuthorSeal(keyBytes: nil).sealed(.readyMarked("p_a")) }
        #expect((try? AuthorSeal(keyBytes: nil).sealed(.timerWarned)) == Event.timerWarned.json, "nothing personal: no key needed")
    }
}
