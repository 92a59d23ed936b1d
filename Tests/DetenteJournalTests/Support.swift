import DetenteCore
@testable import DetenteJournal
import Foundation
import Logging

/// Builds a small workshop history through the core, as the server would.
func sampleHistory(items: Int = 5, roster: [String] = ["Ann Lee"], text: (Int) -> String = { "They value uptime above all, point \($0)." }) -> (Workshop, [Event]) {
    let setup = WorkshopSetup(
        id: "w_test", title: "T", template: "cats-and-dogs", departments: ["dev", "ops"], anonymityThreshold: 3,
        joinCode: "ABCDEF", facilitatorTokenHash: String(repeating: "f", count: 64), createdAt: 1)
    var (w, events) = Workshop.create(setup)
    func run(_ c: Command, _ a: Actor) {
        let e = try! w.decide(c, by: a, context: DecisionContext(now: 1000, roster: roster, seed: 7))
        for x in e { w.apply(x) }
        events += e
    }
    run(.join(department: "dev", tokenHash: "a"), .participant("p_a"))
    run(.join(department: "ops", tokenHash: "b"), .participant("p_b"))
    run(.advance(force: false), .facilitator)
    run(.advance(force: false), .facilitator)
    for i in 0..<items { run(.submit(kind: .outmodel, text: text(i), target: nil), .participant(i % 2 == 0 ? "p_a" : "p_b")) }
    return (w, events)
}

func tempDirectory() -> String {
    let path = NSTemporaryDirectory() + "detente-journal-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let quietLogger: Logger = {
    var l = Logger(label: "test"); l.logLevel = .critical; return l
}()

/// Submits entries and waits for every completion; returns the results in order.
func submitAll(_ writer: JournalWriter, _ entries: [JournalEntry]) -> [Result<Void, JournalError>] {
    let lock = NSLock()
    nonisolated(unsafe) var results = [Result<Void, JournalError>?](repeating: nil, count: entries.count)
    let done = DispatchSemaphore(value: 0)
    for (i, e) in entries.enumerated() {
        writer.submit(e) { r in
            lock.withLock { results[i] = r }; done.signal()
        }
    }
    for _ in entries { done.wait() }
    return lock.withLock { results.map { $0! } }
}

func writeJournal(_ dir: String, _ events: [Event], workshop: String = "w_test") -> String {
    let writer = JournalWriter(directory: dir, logger: quietLogger)
    writer.start()
    _ = submitAll(writer, events.map { .events(workshop: workshop, events: [$0], at: 5) })
    writer.shutdown()
    return JournalWriter.journalPath(dir, workshop)
}

/// Loads a workshop read-only and replays it.
func reload(_ dir: String, _ workshop: String = "w_test") throws -> (SessionStore.Loaded, Workshop) {
    let loaded = try SessionStore(directory: dir).load(workshop, mode: .readOnly, logger: quietLogger)
    return (loaded, try Workshop.replay(loaded.events))
}

/// Real files with scripted faults: the seam the fault-injection tests use.
final class FaultyFiles: JournalFiles, @unchecked Sendable {
    enum Fault { case write(errno: Int32, afterBytes: Int), fsync(errno: Int32) }
    private let real = PosixJournalFiles()
    private let lock = NSLock()
    private var paths: [Int32: String] = [:]
    /// Decides the fault for an operation on a path (nil: none). Set by the test, any time.
    var plan: (@Sendable (_ operation: String, _ path: String) -> Fault?)?
    private(set) var injected = 0

    private func fault(_ op: String, _ fd: Int32) -> Fault? {
        lock.withLock {
            guard let path = paths[fd], let f = plan?(op, path) else { return nil }
            injected += 1
            return f
        }
    }

    func openAppend(_ path: String) throws(JournalError) -> Int32 {
        let fd = try real.openAppend(path)
        lock.withLock { paths[fd] = path }
        return fd
    }

    func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(JournalError) -> Int {
        if case let .write(code, after)? = fault("write", fd) {
            if after > 0 { _ = try real.write(fd, bytes.prefix(after)) }
            throw JournalError(.io, "injected write failure", errno: code)
        }
        return try real.write(fd, bytes)
    }

    func fsync(_ fd: Int32) throws(JournalError) {
        if case let .fsync(code)? = fault("fsync", fd) { throw JournalError(.io, "injected fsync failure", errno: code) }
        try real.fsync(fd)
    }

    func truncate(_ fd: Int32, to length: Int) throws(JournalError) { try real.truncate(fd, to: length) }
    func size(_ fd: Int32) throws(JournalError) -> Int { try real.size(fd) }
    func read(_ path: String, from offset: Int, count: Int) throws(JournalError) -> [UInt8] { try real.read(path, from: offset, count: count) }
    func syncDirectory(_ path: String) throws(JournalError) { try real.syncDirectory(path) }
    func close(_ fd: Int32) { lock.withLock { _ = paths.removeValue(forKey: fd) }; real.close(fd) }
}

extension Result {
    var isSuccess: Bool { if case .success = self { return true }; return false }
}
