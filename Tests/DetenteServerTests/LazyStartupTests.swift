import DetenteCore
import DetenteJournal
@testable import DetenteServer
import DetenteTransport
import Foundation
import Logging
import Testing

/// Lazy start-up: an ended workshop is not opened when the server starts (counted: the journal
/// opens only the live one), and once someone asks for it, it serves and exports exactly as a
/// server that loaded it eagerly does.
@Suite(.serialized) struct LazyStartupTests {
    struct History { let ended: String; let live: String; let facilitatorToken: String; let participantToken: String }

    /// One ended workshop (two participants, items, ended) and one still running.
    static func makeHistory(_ dir: String) throws -> History {
        var node = try ServerUnderTest(directory: dir)
        func create(_ title: String) throws -> DetenteServer.Created {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var created: DetenteServer.Created?
            node.server.createWorkshop(title: title, departments: ["dev", "ops"], template: "cats-and-dogs", k: 1) { r in
                created = try? r.get(); done.signal()
            }
            done.wait()
            return try #require(created)
        }
        let ended = try create("Ended"), live = try create("Live")
        var tokens: [String] = []
        for (name, department) in [("Ann Lee", "dev"), ("Bo Chen", "ops")] {
            let id = node.connect()
            node.say(id, ["type": "join", "code": .string(ended.code), "name": .string(name), "department": .string(department), "ref": "j"])
            tokens.append(try node.frame(id) { $0["type"]?.stringValue == "joined" }["token"]!.stringValue!)
        }
        let fac = node.connect()
        node.say(fac, ["type": "hello", "token": .string(ended.facilitatorToken), "ref": "h"])
        try node.frame(fac) { $0["type"]?.stringValue == "welcome" }
        for n in 0..<2 { node.say(fac, ["type": "advance", "ref": .string("a\(n)")]); try node.frame(fac) { $0["ref"]?.stringValue == "a\(n)" } }
        let author = node.connect()
        node.say(author, ["type": "hello", "token": .string(tokens[0]), "ref": "h"])
        try node.frame(author) { $0["type"]?.stringValue == "welcome" }
        node.say(author, ["type": "submit", "kind": "outmodel", "text": "They value calm weekends, says Ann Lee.", "ref": "s"])
        try node.frame(author) { $0["ref"]?.stringValue == "s" }
        node.say(fac, ["type": "end", "ref": "e"])
        try node.frame(fac) { $0["ref"]?.stringValue == "e" }
        node.server.shutdown()
        return History(ended: ended.id, live: live.id, facilitatorToken: ended.facilitatorToken, participantToken: tokens[0])
    }

    static func copy(_ dir: String) throws -> String {
        let to = NSTemporaryDirectory() + "detente-lazy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name != ".lock" {
            try FileManager.default.copyItem(atPath: dir + "/" + name, toPath: to + "/" + name)
        }
        return to
    }

    @Test func anEndedWorkshopIsNotOpenedAtStartUpAndIsOpenedOnItsFirstHello() throws {
        let dir = NSTemporaryDirectory() + "detente-lazy-\(UUID().uuidString)"
        let history = try Self.makeHistory(dir)
        var node = try ServerUnderTest(directory: dir)
        defer { node.server.shutdown() }
        let journal = try #require(node.server.writer as? JournalWriter)
        #expect(journal.workshopsOpened == 1, "only the live workshop was opened (and its sealed fields read) at start-up")
        #expect(Set(node.server.workshopIDs) == [history.ended, history.live], "the dormant one is still known")
        let welcome = try node.welcome(history.participantToken)
        #expect(welcome["type"]?.stringValue == "welcome")
        #expect(journal.workshopsOpened == 2, "the first hello opened it, once")
        _ = try node.welcome(history.facilitatorToken)
        #expect(journal.workshopsOpened == 2)
    }

    @Test func aLazilyLoadedWorkshopServesAndExportsExactlyLikeAnEagerOne() throws {
        let dir = NSTemporaryDirectory() + "detente-lazy-\(UUID().uuidString)"
        let history = try Self.makeHistory(dir)
        let eagerDir = try Self.copy(dir)
        var lazy = try ServerUnderTest(directory: dir)
        var eager = try ServerUnderTest(directory: eagerDir, openEndedWorkshopsOnFirstUse: false)
        defer { lazy.server.shutdown(); eager.server.shutdown() }
        #expect((eager.server.writer as? JournalWriter)?.workshopsOpened == 2)
        // An export is the first use of the dormant workshop here; a wrong token does not wake it.
        #expect(lazy.export(history.ended, "md", token: "wrong").status == 403)
        #expect((lazy.server.writer as? JournalWriter)?.workshopsOpened == 1)
        for format in ["md", "json", "html", "csv"] {
            let a = lazy.export(history.ended, format, token: history.facilitatorToken)
            let b = eager.export(history.ended, format, token: history.facilitatorToken)
            #expect(a.status == 200 && a.body == b.body, "\(format) export differs")
        }
        for token in [history.participantToken, history.facilitatorToken] {
            #expect(try lazy.welcome(token) == eager.welcome(token))
        }
    }
}

/// What the lazy start-up tests ask of a server: a welcome and an export.
extension ServerUnderTest {
    /// The `welcome` a `hello` with this token gets.
    mutating func welcome(_ token: String) throws -> JSON {
        let id = connect()
        say(id, ["type": "hello", "token": .string(token), "ref": "h"])
        return try frame(id) { $0["type"]?.stringValue == "welcome" || $0["type"]?.stringValue == "error" }
    }

    func export(_ workshop: String, _ format: String, token: String) -> HTTPResponse {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var response: HTTPResponse?
        server.export(workshop: workshop, format: format, token: token, attendance: true) { r in
            response = r; done.signal()
        }
        done.wait()
        return response!
    }
}
