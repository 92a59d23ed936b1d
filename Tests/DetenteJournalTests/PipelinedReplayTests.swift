import DetenteCore
@testable import DetenteJournal
import Foundation
import Testing

/// `JournalReader.replay` (chain checked on a second thread, events read in place) reports
/// exactly what the one-thread `stream` reports, on journals large enough to use the thread.
@Suite struct PipelinedReplayTests {
    /// A journal past the pipelining threshold, written by the real writer.
    static func largeJournal() -> (dir: String, events: [Event], bytes: [UInt8]) {
        // Two writers of at most 200 items each, long texts: past the threshold.
        let long = String(repeating: "They page us at night and then again at dawn. ", count: 36)
        let (_, events) = sampleHistory(items: 390, text: { long + "Point \($0)." })
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        return (dir, events, bytes)
    }

    static func replay(_ bytes: [UInt8], _ dir: String) throws -> (JournalReader.Replayed, [Event]) {
        let seal = try AuthorSeal.load(directory: dir, workshop: "w_test", create: false)
        var events: [Event] = []
        let replayed = JournalReader.replay(data: Data(bytes), seal: seal) { events.append($1) }
        return (replayed, events)
    }

    static func expectSameVerdict(_ a: JournalReader.Contents, _ b: JournalReader.Contents, _ what: String) {
        #expect(a.streamedCount == b.streamedCount, "\(what): count")
        #expect(a.goodLength == b.goodLength && a.totalLength == b.totalLength, "\(what): lengths")
        #expect(a.problem == b.problem, "\(what): \(a.problem ?? "-") vs \(b.problem ?? "-")")
        #expect(a.lastHash == b.lastHash, "\(what): last hash")
        #expect(a.salvageable.map(\.hash) == b.salvageable.map(\.hash), "\(what): salvageable")
    }

    @Test func anIntactJournalReplaysEveryEventInOrder() throws {
        let (dir, events, bytes) = Self.largeJournal()
        #expect(bytes.count >= JournalReader.pipelineThreshold)
        let (replayed, decoded) = try Self.replay(bytes, dir)
        #expect(replayed.invalid == nil && decoded == events)
        Self.expectSameVerdict(replayed.contents, JournalReader.stream(data: Data(bytes)) { _ in }, "intact")
    }

    /// Seed printed: a flipped byte anywhere, or a cut anywhere, gives the same verdict as `stream`
    /// and the events before the bad record.
    @Test func damageAnywhereGivesTheSameVerdictAsTheOneThreadReader() throws {
        let (dir, events, bytes) = Self.largeJournal()
        let seed = UInt64.random(in: 0...UInt64.max)
        print("PipelinedReplayTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for round in 0..<12 {
            var damaged = bytes
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            if round % 2 == 0 { damaged[at] ^= 0x20 } else { damaged.removeLast(bytes.count - at) }
            let (replayed, decoded) = try Self.replay(damaged, dir)
            let reference = JournalReader.stream(data: Data(damaged)) { _ in }
            Self.expectSameVerdict(replayed.contents, reference, "seed \(seed) round \(round)")
            #expect(decoded == Array(events.prefix(reference.streamedCount)), "seed \(seed) round \(round)")
        }
    }

    @Test func aFoldThatRefusesStopsTheReplayAndSaysWhy() throws {
        let (dir, _, bytes) = Self.largeJournal()
        struct Refused: Error, CustomStringConvertible { var description: String { "refused here" } }
        let seal = try AuthorSeal.load(directory: dir, workshop: "w_test", create: false)
        var seen = 0
        let replayed = JournalReader.replay(data: Data(bytes), seal: seal) { seq, _ in
            seen += 1
            if seq == 100 { throw Refused() }
        }
        #expect(replayed.invalid == "refused here" && seen == 100)
    }
}

/// A record whose checksum holds but whose event is not a record (a writer bug, not damage):
/// both readers name the same problem and keep what checks out after it.
@Suite struct ChecksummedButInvalidRecordTests {
    @Test(arguments: [#"[1,2]"#, #"{"e":1}"#, #"{"e":"joined""#])
    func bothReadersReportTheSameProblem(event: String) throws {
        let (_, events) = sampleHistory(items: 2)
        var text = ""
        var prev = JournalRecord.genesis
        for (i, e) in events.enumerated() {
            let body = i == 3 ? event : e.json.encoded()
            let (line, hash) = JournalRecord.encode(seq: i + 1, at: 60_000, eventText: body, prev: prev)
            text += line
            prev = hash
        }
        let data = Data(text.utf8)
        let reference = JournalReader.stream(data: data) { _ in }
        let replayed = JournalReader.replay(data: data, seal: AuthorSeal(keyBytes: nil)) { _, _ in }
        #expect(reference.problem?.hasPrefix("record 4 at byte") == true, "\(reference.problem ?? "-")")
        PipelinedReplayTests.expectSameVerdict(replayed.contents, reference, event)
    }
}
