import DetenteCore
import DetenteJournal
@testable import DetenteServer
import DetenteTransport
import Foundation
import Logging
import Testing

/// The composition with a recording transport in place of libwebsockets and a real journal in a
/// temporary folder: acks and broadcasts only after durable, nothing refused is ever shown,
/// presence coalesced. Checked by what was sent, never by timing.
final class RecordingTransport: FrameTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [ConnectionID: [String]] = [:]
    private(set) var closed: [ConnectionID] = []
    func start() throws {}
    func shutdown() {}
    func send(_ text: String, to ids: [ConnectionID]) { lock.withLock { for id in ids { sent[id, default: []].append(text) } } }
    func close(_ id: ConnectionID, code: CloseCode, reason: String) { lock.withLock { closed.append(id) } }
    func identified(_ id: ConnectionID) {}
    func remoteAddress(of id: ConnectionID) -> String? { "127.0.0.1" }
    func frames(_ id: ConnectionID) -> [JSON] { lock.withLock { (sent[id] ?? []).compactMap { try? JSONParser.parse($0) } } }
}

/// Real files, with an fsync failure on journals switched on and off by the test.
final class SwitchableFiles: JournalFiles, @unchecked Sendable {
    let real = PosixJournalFiles()
    private let lock = NSLock()
    private var journalFDs: Set<Int32> = []
    var failJournalFsync = false
    func openAppend(_ path: String) throws(JournalError) -> Int32 {
        let fd = try real.openAppend(path)
        if path.hasSuffix(".journal") { lock.withLock { _ = journalFDs.insert(fd) } }
        return fd
    }
    func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(JournalError) -> Int { try real.write(fd, bytes) }
    func fsync(_ fd: Int32) throws(JournalError) {
        if lock.withLock({ failJournalFsync && journalFDs.contains(fd) }) { throw JournalError(.io, "injected", errno: EIO) }
        try real.fsync(fd)
    }
    func truncate(_ fd: Int32, to length: Int) throws(JournalError) { try real.truncate(fd, to: length) }
    func size(_ fd: Int32) throws(JournalError) -> Int { try real.size(fd) }
    func read(_ path: String, from offset: Int, count: Int) throws(JournalError) -> [UInt8] { try real.read(path, from: offset, count: count) }
    func syncDirectory(_ path: String) throws(JournalError) { try real.syncDirectory(path) }
    func close(_ fd: Int32) { real.close(fd) }
}

struct ServerUnderTest {
    let server: DetenteServer
    let transport = RecordingTransport()
    let files = SwitchableFiles()
    var next: UInt64 = 1

    /// A server on `directory` (a fresh temporary folder by default).
    init(directory: String? = nil, openEndedWorkshopsOnFirstUse: Bool = true) throws {
        var config = ServerConfiguration(organiserToken: "organiser-token-for-tests")
        config.sessionsDirectory = directory ?? NSTemporaryDirectory() + "detente-server-\(UUID().uuidString)"
        config.openEndedWorkshopsOnFirstUse = openEndedWorkshopsOnFirstUse
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let transport = self.transport
        server = DetenteServer(configuration: config, logger: logger, journalFiles: files, transport: { _, _, _ in transport })
        try server.start()
    }

    mutating func connect() -> ConnectionID {
        defer { next += 1 }
        let id = ConnectionID(testing: next)
        server.connectionOpened(id)
        return id
    }

    func say(_ id: ConnectionID, _ json: JSON) { server.received(json.encoded(), from: id) }

    /// Waits (bounded) until a frame matching `predicate` reached `id`.
    @discardableResult
    func frame(_ id: ConnectionID, timeout: Double = 5, where predicate: (JSON) -> Bool) throws -> JSON {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if let f = transport.frames(id).first(where: predicate) { return f }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw DetenteError(.notFound, "no matching frame for \(id); got \(transport.frames(id).map { $0.encoded() }.suffix(5))")
    }

    func createWorkshop() throws -> (code: String, facilitatorToken: String) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var created: DetenteServer.Created?
        server.createWorkshop(title: "Pipeline", departments: ["dev", "ops"], template: "cats-and-dogs", k: 1) { r in
            created = try? r.get(); done.signal()
        }
        done.wait()
        let c = try #require(created)
        return (c.code, c.facilitatorToken)
    }

    mutating func join(_ code: String, _ name: String, _ department: String) throws -> (ConnectionID, String) {
        let id = connect()
        say(id, ["type": "join", "code": .string(code), "name": .string(name), "department": .string(department), "ref": "j"])
        let joined = try frame(id) { $0["type"]?.stringValue == "joined" }
        try frame(id) { $0["type"]?.stringValue == "welcome" }
        return (id, joined["token"]!.stringValue!)
    }

    mutating func facilitator(_ token: String) throws -> ConnectionID {
        let id = connect()
        say(id, ["type": "hello", "token": .string(token), "ref": "h"])
        try frame(id) { $0["type"]?.stringValue == "welcome" }
        return id
    }

    /// A workshop in its outmodel phase with two Dev participants: the author, and a colleague
    /// (with the token to reconnect as them).
    mutating func twoInDevWritingOutmodels() throws -> (author: ConnectionID, colleague: ConnectionID, colleagueToken: String) {
        let (code, facToken) = try createWorkshop()
        let (author, _) = try join(code, "Ann Lee", "dev")
        let (colleague, colleagueToken) = try join(code, "Bo Chen", "dev")
        let fac = try facilitator(facToken)
        for _ in 0..<2 { say(fac, ["type": "advance", "ref": "a"]) }
        try frame(author) { $0["type"]?.stringValue == "phase" && $0["phase"]?.stringValue == "outmodel" }
        return (author, colleague, colleagueToken)
    }
}

@Suite(.serialized) struct ServerPipelineTests {
    @Test func nothingIsAcknowledgedBroadcastOrSnapshottedBeforeItIsDurable() throws {
        var s = try ServerUnderTest()
        let (author, colleague, colleagueToken) = try s.twoInDevWritingOutmodels()
        // Hold the journal: the next batch waits until the test lets it go.
        let gate = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var holding = true
        s.server.writer.beforeBatch = { if holding { holding = false; gate.wait() } }
        s.say(author, ["type": "submit", "kind": "outmodel", "text": "They value calm weekends.", "ref": "s1"])
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!s.transport.frames(author).contains { $0["ref"]?.stringValue == "s1" }, "no ack before the fsync")
        #expect(!s.transport.frames(colleague).contains { $0["type"]?.stringValue == "item" }, "no broadcast before the fsync")
        // A reconnect meanwhile gets a snapshot of what is durable only.
        let again = s.connect()
        s.say(again, ["type": "hello", "token": .string(colleagueToken), "ref": "h2"])
        let welcome = try s.frame(again) { $0["type"]?.stringValue == "welcome" }
        #expect(!welcome.encoded().contains("They value calm weekends."))
        gate.signal()
        let ack = try s.frame(author) { $0["ref"]?.stringValue == "s1" }
        #expect(ack["type"]?.stringValue == "ack")
        try s.frame(again) { $0["type"]?.stringValue == "item" }
        // The ack reached the author before the broadcast reached anyone of the same command.
        let authorFrames = s.transport.frames(author).map { $0["type"]?.stringValue ?? "" }
        #expect(authorFrames.firstIndex(of: "ack")! < authorFrames.lastIndex(of: "item")!)
        s.server.shutdown()
    }

    @Test func aCommandTheJournalRefusesIsAnsweredUnavailableAndNeverShown() throws {
        var s = try ServerUnderTest()
        let (author, colleague, colleagueToken) = try s.twoInDevWritingOutmodels()
        s.files.failJournalFsync = true
        s.say(author, ["type": "submit", "kind": "outmodel", "text": "This never reached the disk.", "ref": "lost"])
        let refused = try s.frame(author) { $0["ref"]?.stringValue == "lost" }
        #expect(refused["code"]?.stringValue == "unavailable")
        #expect(!s.server.writer.isHealthy)
        s.say(author, ["type": "submit", "kind": "outmodel", "text": "While refusing.", "ref": "while"])
        #expect(try s.frame(author) { $0["ref"]?.stringValue == "while" }["code"]?.stringValue == "unavailable")
        s.files.failJournalFsync = false
        let deadline = Date(timeIntervalSinceNow: 5)
        while !s.server.writer.isHealthy, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(s.server.writer.isHealthy, "recovers by itself")
        s.say(author, ["type": "submit", "kind": "outmodel", "text": "After the episode.", "ref": "after"])
        #expect(try s.frame(author) { $0["ref"]?.stringValue == "after" }["type"]?.stringValue == "ack")
        let again = s.connect()
        s.say(again, ["type": "hello", "token": .string(colleagueToken), "ref": "h2"])
        let welcome = try s.frame(again) { $0["type"]?.stringValue == "welcome" }.encoded()
        #expect(welcome.contains("After the episode.") && !welcome.contains("never reached") && !welcome.contains("While refusing"))
        #expect(!s.transport.frames(colleague).map { $0.encoded() }.joined().contains("never reached"))
        s.server.shutdown()
    }

    @Test func presenceIsCoalescedWhenManyArriveAtOnce() throws {
        var s = try ServerUnderTest()
        let (code, facToken) = try s.createWorkshop()
        let fac = try s.facilitator(facToken)
        var people: [ConnectionID] = []
        for i in 0..<40 { people.append(try s.join(code, "Person \(i)", i % 2 == 0 ? "dev" : "ops").0) }
        Thread.sleep(forTimeInterval: 0.8)
        let presence = s.transport.frames(fac).filter { $0["type"]?.stringValue == "presence" }
        #expect(!presence.isEmpty && presence.count <= 10, "40 arrivals cost \(presence.count) presence frames, not 40")
        let last = try #require(presence.last)
        let members = last["departments"]?.arrayValue?.compactMap { $0["members"]?.intValue }.reduce(0, +)
        #expect(members == 40)
        _ = people
        s.server.shutdown()
    }
}
