import Foundation
import Logging

/// The file journal as a `JournalStorage`: the folder's `flock` makes this process the only
/// writer, so every workshop in it is this process's own.
extension JournalWriter: JournalStorage {
    public func prepare() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        folderLock = try SessionsLock(directory: directory)
    }

    public func workshopIDs() throws -> [String] { try SessionStore(directory: directory).journalIDs() }

    public func openForServing(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded {
        let loaded = try SessionStore(directory: directory).load(workshop, mode: .repairOnDisk, logger: logger)
        try resume(workshop: workshop, seq: loaded.records.count, lastHash: loaded.records.last?.hash ?? JournalRecord.genesis,
                   durableLength: loaded.durableLength)
        return loaded
    }

    public func loadReadOnly(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded {
        try SessionStore(directory: directory).load(workshop, mode: .readOnly, logger: logger)
    }

    public func purge(_ workshop: String) throws { try SessionStore(directory: directory).purge(workshop) }
}
