import DetenteCore
@testable import DetenteJournal
@testable import DetentePostgres
import Foundation
import Testing

/// Split brain on one database: at most one node serves a workshop, and no chain forks.
@Suite(.serialized) struct PostgresOwnershipStorageTests {
    private func node(_ url: String) throws -> PostgresJournal {
        let j = PostgresJournal(url: url, logger: quietLogger)
        try j.prepare()
        j.start()
        return j
    }

    private func isOwnedElsewhere(_ r: Result<Void, JournalError>) -> Bool {
        if case let .failure(e) = r { return e.code == .ownedElsewhere }
        return false
    }

    @Test func twoNodesOpeningOneWorkshopAtOnceExactlyOneServesAndTheChainDoesNotFork() throws {
        let url = TestPostgres.shared.freshDatabase()
        let (_, events) = sampleHistory(items: 3)
        let creator = try node(url)
        #expect(submitAndWait(creator, [.events(workshop: "w_test", events: Array(events.prefix(6)), at: 1)]).allSatisfy { $0.isSuccess })
        creator.shutdown()

        let nodes = [try node(url), try node(url)]
        let lock = NSLock()
        nonisolated(unsafe) var outcomes: [Int: Result<Int, JournalError>] = [:]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r: Result<Int, JournalError>
            do { r = .success(try nodes[i].openForServing("w_test", logger: quietLogger).records.count) } catch {
                r = .failure(error as! JournalError)
            }
            lock.withLock { outcomes[i] = r }
        }
        let winners = outcomes.filter {
            if case .success = $0.value { return true }; return false
        }.map(\.key)
        try #require(winners.count == 1, "exactly one node serves: \(outcomes)")
        let (owner, other) = (nodes[winners[0]], nodes[1 - winners[0]])
        if case let .failure(e)? = outcomes[1 - winners[0]] { #expect(e.code == .ownedElsewhere) }
        #expect(other.ownedCount == 0 && owner.ownedCount == 1)

        // Both try to append the next record: only the owner's is written.
        let fromOther = submitAndWait(other, [.events(workshop: "w_test", events: [events[6]], at: 2)])
        let fromOwner = submitAndWait(owner, [.events(workshop: "w_test", events: [events[6]], at: 2)])
        #expect(isOwnedElsewhere(fromOther[0]))
        #expect(fromOwner[0].isSuccess)
        let stored = try other.loadReadOnly("w_test", logger: quietLogger)
        #expect(stored.problem == nil && stored.records.count == 7)

        // The owner stops: its lock goes with its connection, and the other node takes over.
        owner.shutdown()
        let taken = try other.openForServing("w_test", logger: quietLogger)
        #expect(taken.records.count == 7)
        #expect(submitAndWait(other, [.events(workshop: "w_test", events: [events[7]], at: 3)])[0].isSuccess)
        #expect(try other.loadReadOnly("w_test", logger: quietLogger).records.count == 8)
        other.shutdown()
    }

    @Test func twoNodesCreatingTheSameWorkshopWriteOneFirstRecord() throws {
        let url = TestPostgres.shared.freshDatabase()
        let (_, events) = sampleHistory(items: 1)
        let nodes = [try node(url), try node(url)]
        let lock = NSLock()
        nonisolated(unsafe) var results: [Result<Void, JournalError>] = []
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = submitAndWait(nodes[i], [.events(workshop: "w_same", events: [events[0]], at: 1)])[0]
            lock.withLock { results.append(r) }
        }
        #expect(results.filter(\.isSuccess).count == 1, "\(results)")
        let stored = try nodes[0].loadReadOnly("w_same", logger: quietLogger)
        #expect(stored.problem == nil && stored.records.count == 1)
        for n in nodes { n.shutdown() }
    }

    @Test func aNodeThatLostItsConnectionDoesNotWriteAWorkshopAnotherNodeTookMeanwhile() throws {
        let url = TestPostgres.shared.freshDatabase()
        let (_, events) = sampleHistory(items: 2)
        let first = try node(url)
        #expect(submitAndWait(first, [.events(workshop: "w_test", events: Array(events.prefix(4)), at: 1)])[0].isSuccess)
        let told = NSLock()
        nonisolated(unsafe) var lostWorkshops: [String] = []
        first.setReleaseHandler { w in told.withLock { lostWorkshops.append(w) } }
        // The first node's connection dies; before it reconnects, a second node takes the workshop.
        let admin = try PostgresConnection(url: url)
        try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'detente/%' AND datname = current_database()")
        let second = try node(url)
        #expect(try second.openForServing("w_test", logger: quietLogger).records.count == 4)

        let deadline = Date().addingTimeInterval(5)
        var late: Result<Void, JournalError> = .success(())
        var epoch = 0
        repeat {
            // A new generation each time, as the room starts one after every failed write.
            epoch += 1
            late = submitAndWait(first, [.events(workshop: "w_test", events: [events[4]], at: 2, epoch: epoch)])[0]
            #expect(!late.isSuccess)
            Thread.sleep(forTimeInterval: 0.1)
        } while !isOwnedElsewhere(late) && Date() < deadline
        #expect(isOwnedElsewhere(late), "the workshop is the other node's now: \(late)")
        // The release is reported from the writer thread: wait for it (bounded), do not time it.
        let toldBy = Date().addingTimeInterval(10)
        while told.withLock({ lostWorkshops.isEmpty }), Date() < toldBy { Thread.sleep(forTimeInterval: 0.05) }
        #expect(told.withLock { lostWorkshops } == ["w_test"], "the server is told, so it closes that workshop's connections")
        #expect(submitAndWait(second, [.events(workshop: "w_test", events: [events[4]], at: 2)])[0].isSuccess)
        let stored = try second.loadReadOnly("w_test", logger: quietLogger)
        #expect(stored.problem == nil && stored.records.count == 5)
        first.shutdown()
        second.shutdown()
    }
}
