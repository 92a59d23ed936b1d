import DetenteCore
@testable import DetenteJournal
import Foundation
import Testing

/// The workshops of one batch are synced at the same time, not one after another.
@Suite struct ParallelSyncTests {
    /// Real files whose journal fsyncs wait (bounded) until `expected` of them are in flight at
    /// once, and count the most that ever were.
    final class RendezvousFiles: JournalFiles, @unchecked Sendable {
        private let real = PosixJournalFiles()
        private let condition = NSCondition()
        private var paths: [Int32: String] = [:]
        private var inFlight = 0
        private(set) var mostInFlight = 0
        let expected: Int
        init(expected: Int) { self.expected = expected }

        func fsync(_ fd: Int32) throws(JournalError) {
            let isJournal = condition.withLock { paths[fd].map { $0.hasSuffix(".journal") && !$0.contains("w_warm") } ?? false }
            if isJournal {
                condition.lock()
                inFlight += 1
                mostInFlight = max(mostInFlight, inFlight)
                condition.broadcast()
                let deadline = Date(timeIntervalSinceNow: 5)
                while inFlight < expected, mostInFlight < expected, condition.wait(until: deadline) {}
                condition.unlock()
            }
            try real.fsync(fd)
            if isJournal { condition.withLock { inFlight -= 1 } }
        }

        func openAppend(_ path: String) throws(JournalError) -> Int32 {
            let fd = try real.openAppend(path)
            condition.withLock { paths[fd] = path }
            return fd
        }
        func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(JournalError) -> Int { try real.write(fd, bytes) }
        func truncate(_ fd: Int32, to length: Int) throws(JournalError) { try real.truncate(fd, to: length) }
        func size(_ fd: Int32) throws(JournalError) -> Int { try real.size(fd) }
        func read(_ path: String, from offset: Int, count: Int) throws(JournalError) -> [UInt8] { try real.read(path, from: offset, count: count) }
        func syncDirectory(_ path: String) throws(JournalError) { try real.syncDirectory(path) }
        func close(_ fd: Int32) { condition.withLock { _ = paths.removeValue(forKey: fd) }; real.close(fd) }
    }

    @Test func theWorkshopsOfOneBatchAreSyncedConcurrently() throws {
        let dir = tempDirectory()
        let workshops = ["w_one", "w_two", "w_three"]
        let files = RendezvousFiles(expected: workshops.count)
        let writer = JournalWriter(directory: dir, logger: quietLogger, files: files)
        // Hold a first batch (another workshop) until all three entries are queued: they make one batch.
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let held = Locked(false)
        writer.beforeBatch = {
            if !held.withLock({
                let was = $0; $0 = true; return was
            }) {
                entered.signal(); gate.wait()
            }
        }
        writer.start()
        let done = DispatchSemaphore(value: 0)
        writer.submit(.events(workshop: "w_warm", events: [.noteAdded("first")], at: 0)) { _ in done.signal() }
        entered.wait()
        let results = Locked([String: Bool]())
        for w in workshops {
            writer.submit(.events(workshop: w, events: [.noteAdded("note of \(w)")], at: 0)) { r in
                results.withLock { $0[w] = r.isSuccess }
                done.signal()
            }
        }
        gate.signal()
        for _ in 0...workshops.count { done.wait() }
        writer.shutdown()
        #expect(writer.batchCount == 2, "the three entries were one batch behind the first")
        #expect(files.mostInFlight == workshops.count, "journal fsyncs in flight at once: \(files.mostInFlight)")
        #expect(results.withLock { $0 } == Dictionary(uniqueKeysWithValues: workshops.map { ($0, true) }))
        for w in workshops {
            let contents = try JournalReader.read(path: JournalWriter.journalPath(dir, w))
            #expect(contents.records.count == 1 && contents.problem == nil)
        }
    }
}
