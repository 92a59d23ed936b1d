import DetenteCore
import Foundation
import Logging

/// The data folder: one journal and one roster per workshop. Start-up replays every journal,
/// recovering torn or corrupt tails, and hands the writer each journal's position.
public struct SessionStore: Sendable {
    public struct Loaded: Sendable {
        public let workshop: String
        public let records: [JournalRecord]
        /// The records' events with author links opened (stand-ins once the workshop was purged).
        public let events: [Event]
        public let names: [ParticipantID: String]
        /// Set when a bad tail was moved aside.
        public let recovered: String?
    }

    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func journalIDs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".journal") }
            .map { String($0.dropLast(".journal".count)) }
            .sorted()
    }

    public func load(_ workshop: String, logger: Logger) throws -> Loaded {
        let path = JournalWriter.journalPath(directory, workshop)
        let contents = try JournalReader.read(path: path)
        var recovered: String?
        if let problem = contents.problem {
            let saved = try JournalReader.recover(path: path, contents: contents)
            logger.warning("journal tail was torn or corrupt; moved it aside and truncated at the last good record", metadata: [
                "workshop": "\(workshop)", "problem": "\(problem)", "kept_records": "\(contents.records.count)",
                "dropped_bytes": "\(contents.totalLength - contents.goodLength)", "saved_to": "\(saved)",
            ])
            recovered = problem
        }
        let seal = try AuthorSeal.load(directory: directory, workshop: workshop, create: false)
        return Loaded(workshop: workshop, records: contents.records, events: contents.records.map { seal.opened($0.event) },
                      names: try readRoster(workshop), recovered: recovered)
    }

    /// Reads a roster; a torn last line (crash mid-write, never acknowledged) is ignored.
    public func readRoster(_ workshop: String) throws -> [ParticipantID: String] {
        let path = JournalWriter.rosterPath(directory, workshop)
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var names: [ParticipantID: String] = [:]
        for line in text.split(separator: "\n") {
            guard let json = try? JSONParser.parse(String(line)), let p = json["p"]?.stringValue, let n = json["name"]?.stringValue else { continue }
            names[p] = n
        }
        return names
    }

    /// Deletes the roster (names) and the key that seals author links: what remains ties no item
    /// to a person, nor to other items by the same author, and its chain still verifies.
    public func purge(_ workshop: String) throws {
        for path in [JournalWriter.rosterPath(directory, workshop), AuthorSeal.keyPath(directory, workshop)]
        where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }
}
