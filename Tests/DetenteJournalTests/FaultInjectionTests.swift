import DetenteCore
@testable import DetenteJournal
import Foundation
import Logging
import Testing

/// Every fault case proves the same five things: no acknowledged entry is lost after a restart,
/// no refused entry is present, the chain verifies, the writer refuses (unhealthy) while the
/// fault lasts, and it recovers by itself once writes work.
@Suite struct FaultInjectionTests {
    enum Case: String, CaseIterable {
        case enospcOnWrite, shortWriteThenENOSPC, eioOnFsync, efbigOnWrite, secondFileOfBatchFails, rosterFsyncFails
    }

    static func fault(_ c: Case, _ op: String, _ path: String) -> FaultyFiles.Fault? {
        switch c {
        case .enospcOnWrite: return op == "write" && path.hasSuffix(".journal") ? .write(errno: ENOSPC, afterBytes: 0) : nil
        case .shortWriteThenENOSPC: return op == "write" && path.hasSuffix(".journal") ? .write(errno: ENOSPC, afterBytes: 37) : nil
        case .eioOnFsync: return op == "fsync" && path.hasSuffix(".journal") ? .fsync(errno: EIO) : nil
        case .efbigOnWrite: return op == "write" && path.hasSuffix(".journal") ? .write(errno: EFBIG, afterBytes: 11) : nil
        case .secondFileOfBatchFails: return op == "fsync" && path.hasSuffix("w_two.journal") ? .fsync(errno: EIO) : nil
        case .rosterFsyncFails: return op == "fsync" && path.hasSuffix(".roster") ? .fsync(errno: EIO) : nil
        }
    }

    @Test(arguments: Case.allCases) func aFaultLosesNothingAcknowledgedAndStoresNothingRefused(_ c: Case) throws {
        let dir = tempDirectory()
        let files = FaultyFiles()
        let writer = JournalWriter(directory: dir, logger: quietLogger, files: files)
        writer.retryInterval = 0.02
        writer.start()
        let (_, one) = sampleHistory(items: 0)
        let two = one.map { e -> Event in
            if case let .created(s) = e {
                return .created(
                    WorkshopSetup(
                        id: "w_two", title: s.title, template: s.template, departments: s.departments,
                        anonymityThreshold: 3, joinCode: "BBBBBB", facilitatorTokenHash: s.facilitatorTokenHash, createdAt: 1))
            }
            return e
        }
        // Healthy: both workshops exist durably.
        #expect(submitAll(writer, [.events(workshop: "w_test", events: one, at: 1), .events(workshop: "w_two", events: two, at: 1)]).allSatisfy { $0.isSuccess })

        // The fault: one batch holding entries for both workshops (and a join with a roster line).
        files.plan = { op, path in Self.fault(c, op, path) }
        let during: [JournalEntry] = [
            .events(workshop: "w_test", events: [.noteAdded("during A")], at: 2),
            JournalEntry(workshop: "w_test", events: [.joined(participant: "p_c", department: "dev", tokenHash: "c")], at: 2, roster: ("p_c", "Cleo Diaz")),
            .events(workshop: "w_two", events: [.noteAdded("during B")], at: 2)
        ]
        let results = submitAll(writer, during)
        if c == .secondFileOfBatchFails {
            #expect(results[0].isSuccess && results[1].isSuccess, "the first workshop's file was durable: its writers are told so")
            #expect(!results[2].isSuccess)
        } else {
            #expect(results.filter { $0.isSuccess }.isEmpty || c == .rosterFsyncFails)
        }
        #expect(!writer.isHealthy, "refusing while the fault lasts")
        let refusedWhileBroken = submitAll(writer, [.events(workshop: "w_test", events: [.noteAdded("while refusing")], at: 3)])
        #expect(!refusedWhileBroken[0].isSuccess)

        // The disk works again: the writer recovers by itself.
        files.plan = nil
        let deadline = Date(timeIntervalSinceNow: 5)
        while !writer.isHealthy, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(writer.isHealthy, "recovered without a restart")
        // Entries decided after the failure carry a new epoch and are accepted.
        let after = submitAll(
            writer,
            [
                .events(workshop: "w_test", events: [.noteAdded("after A")], at: 4, epoch: 1),
                .events(workshop: "w_two", events: [.noteAdded("after B")], at: 4, epoch: 1)
            ])
        #expect(after.allSatisfy { $0.isSuccess })
        writer.shutdown()

        // Restart: exactly what was acknowledged, in order, and the chains verify.
        let acked = zip(during, results).filter { $0.1.isSuccess }.map(\.0) + [JournalEntry.events(workshop: "w_test", events: [.noteAdded("after A")], at: 4)]
        let (a, _) = try reload(dir, "w_test")
        let (b, _) = try reload(dir, "w_two")
        #expect(a.problem == nil && b.problem == nil, "chains verify: \(a.problem ?? "") \(b.problem ?? "")")
        let notesA = a.events.compactMap { e -> String? in
            if case let .noteAdded(t) = e { return t }; return nil
        }
        let notesB = b.events.compactMap { e -> String? in
            if case let .noteAdded(t) = e { return t }; return nil
        }
        let expectedA = acked.filter { $0.workshop == "w_test" }.flatMap(\.events).compactMap { e -> String? in
            if case let .noteAdded(t) = e { return t }; return nil
        }
        #expect(notesA == expectedA)
        #expect(notesB == (results[2].isSuccess ? ["during B", "after B"] : ["after B"]))
        let joinedAcked = results[1].isSuccess
        #expect(a.events.contains(.joined(participant: "p_c", department: "dev", tokenHash: "c")) == joinedAcked)
        #expect((a.names["p_c"] != nil) == joinedAcked, "the roster line stands or falls with its join")
        #expect(files.injected > 0)
    }

    @Test func entriesDecidedBeforeAFailureAreRefusedEvenOnceTheDiskWorks() throws {
        let dir = tempDirectory()
        let files = FaultyFiles()
        let writer = JournalWriter(directory: dir, logger: quietLogger, files: files)
        writer.retryInterval = 0.01
        let gate = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var hold = false
        writer.beforeBatch = { if hold { hold = false; gate.wait() } }
        writer.start()
        let (_, events) = sampleHistory(items: 0)
        #expect(submitAll(writer, [.events(workshop: "w_test", events: events, at: 1)])[0].isSuccess)
        files.plan = { op, path in op == "fsync" && path.hasSuffix(".journal") ? .fsync(errno: EIO) : nil }
        let failed = submitAll(writer, [.events(workshop: "w_test", events: [.noteAdded("x")], at: 2, epoch: 0)])
        #expect(!failed[0].isSuccess)
        files.plan = nil
        // Same epoch as the failed one: decided against state that never became durable.
        let stale = submitAll(writer, [.events(workshop: "w_test", events: [.noteAdded("stale")], at: 3, epoch: 0)])
        #expect(!stale[0].isSuccess)
        let fresh = submitAll(writer, [.events(workshop: "w_test", events: [.noteAdded("fresh")], at: 3, epoch: 1)])
        #expect(fresh[0].isSuccess)
        writer.shutdown()
        let (loaded, _) = try reload(dir)
        #expect(loaded.events.last == .noteAdded("fresh") && !loaded.events.contains(.noteAdded("stale")) && !loaded.events.contains(.noteAdded("x")))
        _ = gate
    }

    @Test func sealingFailsClosed() throws {
        let dir = tempDirectory()
        // The key cannot be created (a directory is in its place): nothing personal is written.
        try FileManager.default.createDirectory(atPath: AuthorSeal.keyPath(dir, "w_test"), withIntermediateDirectories: true)
        let writer = JournalWriter(directory: dir, logger: quietLogger)
        writer.start()
        let (_, events) = sampleHistory(items: 2, roster: [], text: { "Secret text number \($0) about uptime." })
        let results = submitAll(writer, [.events(workshop: "w_test", events: events, at: 1)])
        writer.shutdown()
        #expect(!results[0].isSuccess)
        let path = JournalWriter.journalPath(dir, "w_test")
        let onDisk = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(!onDisk.contains("Secret text") && !onDisk.contains("p_a"))
    }
}

extension FaultInjectionTests {
    /// A sealing failure counts as a failed write for the epoch rule: what the room decided after
    /// it (same epoch) is refused; its next epoch is written.
    @Test func entriesDecidedAfterASealingFailureAreRefused() throws {
        let dir = tempDirectory()
        let writer = JournalWriter(directory: dir, logger: quietLogger)
        writer.start()
        let (_, events) = sampleHistory(items: 0)
        #expect(submitAll(writer, [.events(workshop: "w_test", events: events, at: 1)])[0].isSuccess)
        // The key goes away (as if purged under a running writer): the next personal event cannot be sealed.
        try FileManager.default.removeItem(atPath: AuthorSeal.keyPath(dir, "w_test"))
        writer.forgetSealForTesting("w_test")
        try FileManager.default.createDirectory(atPath: AuthorSeal.keyPath(dir, "w_test"), withIntermediateDirectories: true)
        let results = submitAll(
            writer,
            [
                .events(workshop: "w_test", events: [.joined(participant: "p_z", department: "dev", tokenHash: "z")], at: 2, epoch: 0),
                .events(workshop: "w_test", events: [.noteAdded("decided after it")], at: 2, epoch: 0)
            ])
        let later = submitAll(writer, [.events(workshop: "w_test", events: [.noteAdded("next epoch")], at: 3, epoch: 1)])
        writer.shutdown()
        #expect(!results[0].isSuccess && !results[1].isSuccess && later[0].isSuccess)
        let (loaded, _) = try reload(dir)
        #expect(loaded.events.last == .noteAdded("next epoch") && !loaded.events.contains(.noteAdded("decided after it")))
    }
}
