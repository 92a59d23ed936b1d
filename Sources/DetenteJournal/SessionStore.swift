import DetenteModel
import DetenteWorkshop
import Foundation
import Logging

/// The data folder: one journal, one roster and one key per workshop.
///
/// Loading comes in two modes: the serving process (holding the `SessionsLock`) repairs a torn
/// or corrupt tail on disk; every other reader (`export`, `events`, `verify`) recovers in memory
/// only and never modifies a file.
public struct SessionStore: Sendable {
    public struct Loaded: Sendable {
        public let workshop: String
        public let records: [JournalRecord]
        /// The records' events with sealed fields opened (stand-ins once the workshop was purged).
        public let events: [Event]
        public let names: [ParticipantID: String]
        /// Byte length of the intact journal (where appends continue).
        public let durableLength: Int
        /// Set when the journal had a torn or corrupt tail: what was wrong and where.
        public let problem: String?
        /// Where the bad tail was moved (serving mode only).
        public let quarantined: String?
        /// Records after a corrupt one that `detente salvage` could restore.
        public let salvageable: Int
    }

    public enum Mode: Sendable { case repairOnDisk, readOnly }

    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func journalIDs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".journal") }
            .map { String($0.dropLast(".journal".count)) }
            .sorted()
    }

    public func load(_ workshop: String, mode: Mode, logger: Logger) throws -> Loaded {
        let path = JournalWriter.journalPath(directory, workshop)
        var contents = try JournalReader.read(path: path)
        var quarantined: String?
        if let problem = contents.problem {
            if mode == .repairOnDisk, !contents.salvageable.isEmpty {
                // A corrupt record in the middle: keep everything that checks out around it.
                let (restored, original) = try JournalReader.salvage(path: path)
                quarantined = original
                logger.error(
                    "journal had a corrupt record; kept the records before it and restored the later ones that check out",
                    metadata: [
                        "workshop": "\(workshop)", "problem": "\(problem)", "kept_records": "\(contents.records.count)",
                        "restored_records": "\(restored)", "original_saved_to": "\(original)"
                    ])
                let salvaged = contents.salvageable.count
                contents = try JournalReader.read(path: path)
                contents.problem = problem
                contents.salvageable = []
                _ = salvaged
            } else if mode == .repairOnDisk {
                quarantined = try JournalReader.recover(path: path, contents: contents)
                logger.warning(
                    "journal tail was torn or corrupt; moved it aside and truncated at the last good record",
                    metadata: [
                        "workshop": "\(workshop)", "problem": "\(problem)", "kept_records": "\(contents.records.count)",
                        "dropped_bytes": "\(contents.totalLength - contents.goodLength)", "saved_to": "\(quarantined!)",
                        "salvageable_records": "\(contents.salvageable.count)"
                    ])
            } else {
                logger.warning(
                    "journal tail is torn or corrupt; recovered in memory only (the file is unchanged)",
                    metadata: [
                        "workshop": "\(workshop)", "problem": "\(problem)", "kept_records": "\(contents.records.count)",
                        "salvageable_records": "\(contents.salvageable.count)"
                    ])
            }
        }
        let seal = try AuthorSeal.load(directory: directory, workshop: workshop, create: false)
        return try Loaded(workshop: workshop, contents: contents, seal: seal, names: try readRoster(workshop), quarantined: quarantined)
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

    /// Deletes the roster (names) and the key that seals every personal field: what remains
    /// names nobody and ties no item to another by the same author, and its chain still verifies.
    /// Quarantined tails are sealed under the same key and become unreadable with it.
    public func purge(_ workshop: String) throws {
        for path in [JournalWriter.rosterPath(directory, workshop), AuthorSeal.keyPath(directory, workshop)]
        where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        try PosixJournalFiles().syncDirectory(directory)
    }
}
