import DetenteCore
import Foundation
import Logging

/// The data folder: one journal and one roster per workshop. Start-up replays every journal,
/// recovering torn or corrupt tails, and hands the writer each journal's position.
public struct SessionStore: Sendable {
    public struct Loaded: Sendable {
        public let workshop: String
        public let records: [JournalRecord]
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
        return Loaded(workshop: workshop, records: contents.records, names: try readRoster(workshop), recovered: recovered)
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

    /// Deletes the roster of a workshop: what remains links no item to a name.
    public func purgeRoster(_ workshop: String) throws {
        let path = JournalWriter.rosterPath(directory, workshop)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }
}
