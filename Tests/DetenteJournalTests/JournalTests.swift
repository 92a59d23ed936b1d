import DetenteCore
@testable import DetenteJournal
import Foundation
import Logging
import Testing

/// Builds a small workshop history through the core, as the server would.
func sampleHistory(items: Int = 5) -> (Workshop, [Event]) {
    let setup = WorkshopSetup(id: "w_test", title: "T", template: "cats-and-dogs", departments: ["dev", "ops"], anonymityThreshold: 3,
                              joinCode: "ABCDEF", facilitatorTokenHash: String(repeating: "f", count: 64), createdAt: 1)
    var (w, events) = Workshop.create(setup)
    func run(_ c: Command, _ a: Actor) {
        let e = try! w.decide(c, by: a, context: DecisionContext(now: 1000, roster: ["Ann Lee"], seed: 7))
        for x in e { w.apply(x) }
        events += e
    }
    run(.join(department: "dev", tokenHash: "a"), .participant("p_a"))
    run(.join(department: "ops", tokenHash: "b"), .participant("p_b"))
    run(.advance(force: false), .facilitator)
    run(.advance(force: false), .facilitator)
    for i in 0..<items { run(.submit(kind: .outmodel, text: "They value uptime above all, point \(i).", target: nil), .participant(i % 2 == 0 ? "p_a" : "p_b")) }
    return (w, events)
}

func tempDirectory() -> String {
    let path = NSTemporaryDirectory() + "detente-journal-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func writeJournal(_ dir: String, _ events: [Event], workshop: String = "w_test") -> String {
    let writer = JournalWriter(directory: dir, logger: Logger(label: "test"))
    writer.start()
    let done = DispatchSemaphore(value: 0)
    for e in events { writer.submit(.events(workshop: workshop, events: [e], at: 5)) { _ in done.signal() } }
    for _ in events { done.wait() }
    writer.shutdown()
    return JournalWriter.journalPath(dir, workshop)
}

func replay(_ events: [Event]) -> Workshop {
    guard case let .created(setup) = events[0] else { fatalError("no creation record") }
    var w = Workshop(setup: setup)
    for e in events.dropFirst() { w.apply(e) }
    return w
}

@Suite struct JournalTests {
    @Test func replayEqualsLiveState() throws {
        let (live, events) = sampleHistory()
        let path = writeJournal(tempDirectory(), events)
        let contents = try JournalReader.read(path: path)
        #expect(contents.problem == nil)
        #expect(contents.records.count == events.count)
        let seal = try AuthorSeal.load(directory: (path as NSString).deletingLastPathComponent, workshop: "w_test", create: false)
        #expect(contents.records.map { seal.opened($0.event) } == events)
        let replayed = replay(contents.records.map { seal.opened($0.event) })
        #expect(replayed.items == live.items)
        #expect(replayed.phase == live.phase)
        #expect(replayed.participants == live.participants)
        #expect(replayed.botLog.map(\.text) == live.botLog.map(\.text))
    }

    @Test func tornTailIsDetectedAndRecovered() throws {
        let (_, events) = sampleHistory()
        let path = writeJournal(tempDirectory(), events)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        // A crash mid-write: the last record is cut in half.
        try whole.prefix(whole.count - 40).write(to: URL(fileURLWithPath: path))
        let contents = try JournalReader.read(path: path)
        #expect(contents.problem?.contains("torn") == true)
        #expect(contents.records.count == events.count - 1)
        let saved = try JournalReader.recover(path: path, contents: contents)
        #expect(FileManager.default.fileExists(atPath: saved))
        let after = try JournalReader.read(path: path)
        #expect(after.problem == nil && after.records.count == events.count - 1)
    }

    @Test func flippedByteIsDetected() throws {
        let (_, events) = sampleHistory()
        let path = writeJournal(tempDirectory(), events)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Flip a byte inside the third record's body.
        let lines = bytes.indices.filter { bytes[$0] == 0x0A }
        let target = lines[1] + 20
        bytes[target] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let contents = try JournalReader.read(path: path)
        #expect(contents.records.count == 2)
        #expect(contents.problem?.contains("record 3") == true)
    }

    @Test func brokenChainIsDetected() throws {
        let (_, events) = sampleHistory()
        let path = writeJournal(tempDirectory(), events)
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
        let (line, _) = JournalRecord.encode(seq: 1, at: 0, event: events[0], prev: String(repeating: "1", count: 64))
        #expect(throws: JournalRecord.Invalid.self) {
            _ = try JournalRecord.decode(line: Substring(line.dropLast()), expectedPrev: JournalRecord.genesis, expectedSeq: 1)
        }
    }

    @Test func groupCommitBatchesManyAppendsIntoFewFsyncs() throws {
        let dir = tempDirectory()
        let writer = JournalWriter(directory: dir, logger: Logger(label: "test"))
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

    @Test func rosterIsSeparateAndPurgeable() throws {
        let dir = tempDirectory()
        let writer = JournalWriter(directory: dir, logger: Logger(label: "test"))
        writer.start()
        let done = DispatchSemaphore(value: 0)
        writer.submit(.roster(workshop: "w_test", participant: "p_a", name: "Ann Lee")) { _ in done.signal() }
        done.wait()
        writer.shutdown()
        let store = SessionStore(directory: dir)
        #expect(try store.readRoster("w_test") == ["p_a": "Ann Lee"])
        try store.purge("w_test")
        #expect(try store.readRoster("w_test").isEmpty)
    }

    @Test func authorLinksAreSealedOnDiskAndGoneAfterPurge() throws {
        let (_, events) = sampleHistory(items: 4)
        let dir = tempDirectory()
        let path = writeJournal(dir, events)
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!onDisk.contains("\"author\":\"p_"), "authors are stored sealed")
        let store = SessionStore(directory: dir)
        let before = try store.load("w_test", logger: Logger(label: "test")).events
        #expect(before == events)
        try store.purge("w_test")
        let after = try store.load("w_test", logger: Logger(label: "test")).events
        let authors = after.compactMap { e -> String? in if case let .itemSubmitted(item, _) = e { return item.author }; return nil }
        #expect(authors.count == 4 && Set(authors).count == 4, "after a purge no two items share an author")
        #expect(authors.allSatisfy { $0.hasPrefix("x_") })
        #expect(try JournalReader.read(path: path).problem == nil, "the chain still verifies")
    }
}
