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
        state.withLock { _workshopsOpened += 1 }
        try resume(
            workshop: workshop, seq: loaded.records.count, lastHash: loaded.records.last?.hash ?? JournalRecord.genesis,
            durableLength: loaded.durableLength)
        return loaded
    }

    public func loadReadOnly(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded {
        try SessionStore(directory: directory).load(workshop, mode: .readOnly, logger: logger)
    }

    /// Ended workshops stay dormant at start-up: their routing index is read from the journal's
    /// clear fields; they are opened (checked, repaired, unsealed, replayed) on first use.
    public func routingIndexIfEnded(_ workshop: String) -> RoutingIndex? {
        guard let bytes = FileManager.default.contents(atPath: Self.journalPath(directory, workshop)) else { return nil }
        return RoutingIndex.ofEndedJournal(workshop, bytes: bytes)
    }

    public func purge(_ workshop: String) throws { try SessionStore(directory: directory).purge(workshop) }
}
