import DetenteCore
@testable import DetenteJournal
import Foundation
import Logging
import Testing

@Suite struct JournalTests {
    @Test func replayEqualsLiveState() throws {
        let (live, events) = sampleHistory()
        let dir = tempDirectory()
        _ = writeJournal(dir, events)
        let (loaded, replayed) = try reload(dir)
        #expect(loaded.problem == nil)
        #expect(loaded.events == events)
        #expect(replayed.items == live.items)
        #expect(replayed.phase == live.phase)
        #expect(replayed.participants == live.participants)
        #expect(replayed.botLog.map(\.text) == live.botLog.map(\.text))
    }

    @Test func tornTailsAtManyCutPointsKeepEveryRecordBeforeTheCut() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["DETENTE_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max))
        print("tornTails seed: \(seed) (rerun with DETENTE_TEST_SEED=\(seed))")
        var rng = SeededGenerator(seed: seed)
        let (_, events) = sampleHistory(items: 6)
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let ends = whole.indices.filter { whole[$0] == 0x0A }.map { $0 + 1 }
        let lastThreeStart = ends[ends.count - 4]
        var cuts = 0
        for _ in 0..<60 {
            let cut = Int.random(in: lastThreeStart..<whole.count, using: &rng)
            try Data(whole.prefix(cut)).write(to: URL(fileURLWithPath: path))
            let kept = ends.filter { $0 <= cut }.count
            let contents = try JournalReader.read(path: path)
            #expect(contents.records.count == kept, "cut at \(cut)")
            #expect(contents.goodLength == (kept == 0 ? 0 : ends[kept - 1]))
            #expect((contents.problem != nil) == (cut != ends[kept - 1]), "a cut exactly at a record end is a clean journal")
            let loaded = try SessionStore(directory: dir).load("w_test", mode: .repairOnDisk, logger: quietLogger)
            #expect(loaded.events == Array(events.prefix(kept)))
            let after = try JournalReader.read(path: path)
            #expect(after.problem == nil && after.records.count == kept)
            cuts += 1
        }
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".broken.") }
        #expect(Set(quarantined).count == quarantined.count && !quarantined.isEmpty, "quarantine files are numbered, never overwritten")
        #expect(cuts == 60)
    }

    @Test func readingNeverModifiesATornJournal() throws {
        let (_, events) = sampleHistory()
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count - 40).write(to: URL(fileURLWithPath: path))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let (loaded, _) = try reload(dir)
        #expect(loaded.problem?.contains("torn") == true)
        #expect(loaded.events.count == events.count - 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "read-only load leaves the file byte-identical")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(names.allSatisfy { !$0.contains(".broken") })
    }

    @Test func aFlippedByteMidFileIsReportedAndTheRecordsAfterItAreSalvaged() throws {
        let (_, events) = sampleHistory(items: 8)
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let ends = bytes.indices.filter { bytes[$0] == 0x0A }
        bytes[ends[2] + 20] ^= 0x01  // inside the fourth record's body
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let contents = try JournalReader.read(path: path)
        #expect(contents.records.count == 3)
        #expect(contents.problem?.contains("record 4 at byte \(ends[2] + 1)") == true, "\(contents.problem ?? "")")
        #expect(contents.salvageable.count == events.count - 4)
        let (restored, original) = try JournalReader.salvage(path: path)
        #expect(restored == events.count - 4)
        #expect(FileManager.default.fileExists(atPath: original))
        let after = try JournalReader.read(path: path)
        #expect(after.problem == nil && after.records.count == events.count - 1)
        let (loaded, _) = try reload(dir)
        #expect(loaded.events == Array(events.prefix(3)) + Array(events.dropFirst(4)), "only the corrupt record is lost")
    }

    @Test func everyByteOfARecordIsCovered() throws {
        let (_, events) = sampleHistory(items: 1)
        let dir = tempDirectory()
        let path = writeJournal(dir, Array(events.prefix(2)))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let firstEnd = bytes.firstIndex(of: 0x0A)!
        // Flip each byte of the first record (separators and hashes included): always detected.
        for i in 0..<firstEnd {
            var copy = bytes
            copy[i] ^= 0x01
            if copy[i] == 0x0A { continue }
            let contents = JournalReader.read(data: Data(copy))
            #expect(contents.problem != nil && contents.records.isEmpty, "flipping byte \(i) went unnoticed")
        }
    }

    @Test func brokenChainIsDetected() throws {
        let (_, events) = sampleHistory()
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        // Remove a record from the middle: every record stays self-consistent, but the chain breaks.
        lines.remove(at: 3)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let contents = try JournalReader.read(path: path)
        #expect(contents.records.count == 3)
        #expect(contents.problem?.contains("chain broken") == true)
    }

    @Test func recordWithRecomputedHashButWrongPrevIsRejected() throws {
        let (_, events) = sampleHistory(items: 1)
        let (line, _) = JournalRecord.encode(seq: 1, at: 0, event: events[0].json, prev: String(repeating: "1", count: 64))
        #expect(throws: JournalRecord.Invalid.self) {
            _ = try JournalRecord.decode(line: Substring(line.dropLast()), expectedPrev: JournalRecord.genesis, expectedSeq: 1)
        }
    }

    @Test func groupCommitBatchesManyAppendsIntoFewFsyncs() throws {
        let dir = tempDirectory()
        let writer = JournalWriter(directory: dir, logger: quietLogger)
        let gate = DispatchSemaphore(value: 0)
        let firstBatch = NSLock()
        nonisolated(unsafe) var held = false
        // Hold the first batch until every append is queued, as a busy server would.
        writer.beforeBatch = {
            firstBatch.lock(); let wait = !held; held = true; firstBatch.unlock()
            if wait { gate.wait() }
        }
        writer.start()
        let (_, events) = sampleHistory(items: 1)
        let acked = DispatchSemaphore(value: 0)
        writer.submit(.events(workshop: "w_test", events: [events[0]], at: 0)) { _ in acked.signal() }
        Thread.sleep(forTimeInterval: 0.05)
        for i in 0..<1_000 {
            writer.submit(.events(workshop: "w_test", events: [.noteAdded("note \(i)")], at: 0)) { result in
                if case .success = result { acked.signal() }
            }
        }
        gate.signal()
        for _ in 0...1_000 { acked.wait() }
        #expect(writer.fsyncCount <= 3, "1,001 appends took \(writer.fsyncCount) fsyncs")
        writer.shutdown()
        let contents = try JournalReader.read(path: JournalWriter.journalPath(dir, "w_test"))
        #expect(contents.records.count == 1_001 && contents.problem == nil)
    }

    @Test func aFullQueueRefusesInsteadOfGrowing() throws {
        let dir = tempDirectory()
        let writer = JournalWriter(directory: dir, logger: quietLogger, maxQueuedEntries: 3)
        let gate = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var first = true
        writer.beforeBatch = { if first { first = false; gate.wait() } }
        writer.start()
        let (_, events) = sampleHistory(items: 1)
        let done = DispatchSemaphore(value: 0)
        writer.submit(.events(workshop: "w_test", events: [events[0]], at: 0)) { _ in done.signal() }
        Thread.sleep(forTimeInterval: 0.05)
        let counter = NSLock()
        nonisolated(unsafe) var refused = 0
        for i in 0..<5 {
            writer.submit(.events(workshop: "w_test", events: [.noteAdded("n\(i)")], at: 0)) { r in
                if case let .failure(e) = r, e.code == .busy { counter.withLock { refused += 1 } }
                done.signal()
            }
        }
        #expect(counter.withLock { refused } == 2, "two of five were refused at once while three waited")
        gate.signal()
        for _ in 0..<6 { done.wait() }
        writer.shutdown()
    }

    @Test func theSessionsFolderHasOneWriter() throws {
        let dir = tempDirectory()
        let first = try SessionsLock(directory: dir)
        #expect(throws: JournalError.self) { _ = try SessionsLock(directory: dir) }
        _ = first
    }
}

typealias SeededGenerator = SplitMix64
