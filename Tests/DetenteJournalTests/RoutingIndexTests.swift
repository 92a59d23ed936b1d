import DetenteCore
@testable import DetenteJournal
import Foundation
import Testing

/// The routing index of an ended workshop comes from clear fields only, and anything not plainly
/// ended gets none (the server then opens it at start-up as before).
@Suite struct RoutingIndexTests {
    func journalBytes(_ events: [Event]) throws -> Data {
        let dir = tempDirectory()
        return try Data(contentsOf: URL(fileURLWithPath: writeJournal(dir, events)))
    }

    @Test func anEndedJournalYieldsItsCodeAndTokenHashes() throws {
        let (_, events) = sampleHistory(items: 3)
        let bytes = try journalBytes(events + [.ended])
        let index = try #require(RoutingIndex.ofEndedJournal("w_test", bytes: bytes))
        #expect(index.joinCode == "ABCDEF")
        #expect(index.facilitatorTokenHash == String(repeating: "f", count: 64))
        #expect(index.participantTokenHashes == ["a", "b"], "the two joins' token hashes, in order")
    }

    @Test func aRunningOrTornJournalYieldsNone() throws {
        let (_, events) = sampleHistory(items: 3)
        #expect(RoutingIndex.ofEndedJournal("w_test", bytes: try journalBytes(events)) == nil, "not ended")
        let ended = try journalBytes(events + [.ended])
        #expect(RoutingIndex.ofEndedJournal("w_test", bytes: ended.dropLast()) == nil, "torn last line")
        #expect(
            RoutingIndex.ofEndedJournal("w_test", bytes: try journalBytes(events + [.ended, .noteAdded("after")])) == nil,
            "ended is not the last record")
    }

    @Test func streamingChecksWhatReadingChecks() throws {
        let (_, events) = sampleHistory(items: 20)
        var bytes = try journalBytes(events)
        let whole = JournalReader.read(data: bytes)
        var seen: [Int] = []
        let streamed = JournalReader.stream(data: bytes) { seen.append($0.seq) }
        #expect(seen == whole.records.map(\.seq) && streamed.streamedCount == whole.records.count)
        #expect(streamed.lastHash == whole.lastHash && streamed.problem == nil && streamed.records.isEmpty)
        // A flipped byte in the middle stops both at the same record.
        bytes[bytes.count / 2] ^= 0x01
        let broken = JournalReader.read(data: bytes)
        let brokenStream = JournalReader.stream(data: bytes) { _ in }
        #expect(broken.problem != nil && brokenStream.problem == broken.problem && brokenStream.goodLength == broken.goodLength)
    }
}
