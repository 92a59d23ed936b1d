import DetenteModel
import DetenteWorkshop
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The single writer of every journal and roster file.
///
/// Callers hand over entries from any thread. `submit` seals the entry's personal fields and
/// encodes its events right there, on the caller's thread (a room's queue), so that work spreads
/// over the cores. One writer thread takes everything queued and makes it durable with one
/// `fsync` per touched file (group commit); the workshops of a batch are written and synced
/// concurrently (`ParallelSync`), so one workshop's fsync does not wait behind another's, and the
/// next batch gathers meanwhile. Completions run on the writer thread, in submission order,
/// only after the batch's fsyncs returned.
///
/// A failed write or fsync never leaves a record that a later record chains to: the files of
/// that workshop are truncated back to their last durable length, the chain stays where it
/// was, exactly that workshop's entries fail, and the writer *refuses* (every entry fails at
/// once, `isHealthy` is false) until it has reopened and checked the files it could not trust
/// and a probe write to the folder succeeds. It retries by itself every `retryInterval`.
///
/// - Important: A completion with `.success` is the only signal that an event is durable; the
///   server shows, acknowledges and broadcasts nothing before it.
public final class JournalWriter: @unchecked Sendable {
    public typealias Completion = @Sendable (Result<Void, JournalError>) -> Void

    struct JournalFile {
        var fd: Int32
        var seq: Int
        var lastHash: String
        var durableLength: Int
    }

    struct RosterFile {
        var fd: Int32
        var durableLength: Int
    }

    /// How many workshops' files may be synced at once: fsync mostly waits for the device, so
    /// more threads than cores keep it busy.
    public static let defaultSyncThreads = 8

    public let directory: String
    let logger: Logger
    let files: JournalFiles
    /// Entries waiting for the writer beyond this are refused (`busy`): memory stays bounded.
    public var maxQueuedEntries: Int { commits.maxQueued }
    public var retryInterval: TimeInterval {
        get { state.withLock { _retryInterval } }
        set { state.withLock { _retryInterval = newValue } }
    }
    private var commits: GroupCommitQueue<SealedEntry>!
    private let syncPool: ParallelSync
    /// Guards every field below (read and written by the writer and sync threads, `submit` and
    /// `resume`); file I/O happens outside it. In a batch, each workshop's files are written by
    /// one sync thread only.
    let state = NSLock()
    private var _retryInterval: TimeInterval = 0.5
    var journals: [String: JournalFile] = [:]
    var rosters: [String: RosterFile] = [:]
    var seals: [String: AuthorSeal] = [:]
    /// Workshops whose key file was created and whose directory entry is not synced yet.
    var unsyncedKeys: Set<String> = []
    /// Files whose unsynced state cannot be trusted: reopened, truncated and checked before use.
    var suspect: Set<String> = []
    /// Entries of a workshop with an epoch up to this one are refused (see `JournalEntry.epoch`).
    var poisonedThrough: [String: Int] = [:]
    var refusing: JournalError?
    var _fsyncs = 0
    var _workshopsOpened = 0
    /// Creating a workshop's key happens once, on whichever caller comes first.
    private let keyCreation = NSLock()
    /// Test hook: called before each batch is written (lets a test hold the writer to build a backlog).
    public var beforeBatch: (@Sendable () -> Void)? {
        get { commits.beforeBatch }
        set { commits.beforeBatch = newValue }
    }
    /// fsync latency observer (seconds), for metrics.
    public var onFsync: (@Sendable (Double, Int) -> Void)? {
        get { commits.onCommit }
        set { commits.onCommit = newValue }
    }
    /// Held while serving (`prepare()`): one process per sessions folder.
    var folderLock: SessionsLock?

    public init(
        directory: String, logger: Logger, files: JournalFiles = PosixJournalFiles(), maxQueuedEntries: Int = 100_000,
        syncThreads: Int = JournalWriter.defaultSyncThreads
    ) {
        self.directory = directory
        self.logger = logger
        self.files = files
        syncPool = ParallelSync(threads: max(0, syncThreads - 1), name: "detente-journal-sync")
        commits = GroupCommitQueue(
            name: "detente-journal", maxQueued: maxQueuedEntries,
            commit: { [unowned self] in write($0) },
            // While refusing, recover by itself once the disk works again, even with nothing to write.
            idleInterval: { [unowned self] in state.withLock { refusing == nil ? nil : _retryInterval } },
            idle: { [unowned self] in tryToRecover() })
    }

    public var fsyncCount: Int { state.withLock { _fsyncs } }
    public var batchCount: Int { commits.batchCount }
    /// Workshops opened for serving (checked, unsealed, replayed) so far: lazy start-up leaves
    /// ended ones out until first use.
    public var workshopsOpened: Int { state.withLock { _workshopsOpened } }
    /// False while refusing writes (the disk failed and has not been checked since) or stopped.
    public var isHealthy: Bool { state.withLock { refusing == nil } && !commits.isStopped }
    public var refusal: JournalError? { state.withLock { refusing } }

    public static func journalPath(_ directory: String, _ workshop: String) -> String { directory + "/" + workshop + ".journal" }
    public static func rosterPath(_ directory: String, _ workshop: String) -> String { directory + "/" + workshop + ".roster" }

    /// Registers a journal found at start-up so appends continue its sequence and chain.
    public func resume(workshop: String, seq: Int, lastHash: String, durableLength: Int) throws(JournalError) {
        let fd = try files.openAppend(Self.journalPath(directory, workshop))
        state.withLock { journals[workshop] = JournalFile(fd: fd, seq: seq, lastHash: lastHash, durableLength: durableLength) }
    }

    public func start() { commits.start() }

    /// Seals and encodes the entry on the caller's thread, then queues it for the writer.
    /// A sealing failure is reported in the entry's turn (completions stay in submission order).
    public func submit(_ entry: JournalEntry, completion: @escaping Completion) {
        let sealed: Result<[[UInt8]], JournalError>
        do throws(JournalError) { sealed = .success(try SealedEntry.encode(entry.events, with: seal(for: entry.workshop))) } catch {
            sealed = .failure(error)
        }
        commits.submit(SealedEntry(entry: entry, events: sealed), completion: completion)
    }

    /// Writes everything queued, then stops the writer thread.
    public func shutdown() {
        commits.shutdown()
        syncPool.stop()
        state.withLock {
            for f in journals.values where f.fd >= 0 { files.close(f.fd) }
            for r in rosters.values where r.fd >= 0 { files.close(r.fd) }
            journals = [:]
            rosters = [:]
            folderLock = nil
        }
    }

    /// Test hook: drops the cached seal, so the next entry loads the key file again.
    func forgetSealForTesting(_ workshop: String) { state.withLock { seals[workshop] = nil } }

    /// The workshop's seal, loading its key (or creating and syncing a new one) on first use.
    func seal(for workshop: String) throws(JournalError) -> AuthorSeal {
        if let s = state.withLock({ seals[workshop] }) { return s }
        let result = keyCreation.withLock { () -> Result<AuthorSeal, JournalError> in
            if let s = state.withLock({ seals[workshop] }) { return .success(s) }
            let existed = FileManager.default.fileExists(atPath: AuthorSeal.keyPath(directory, workshop))
            do throws(JournalError) {
                let seal = try AuthorSeal.load(directory: directory, workshop: workshop, create: !existed)
                state.withLock {
                    seals[workshop] = seal
                    if !existed { unsyncedKeys.insert(workshop) }
                }
                return .success(seal)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    // MARK: - one batch (on the writer thread)

    private func write(_ batch: [SealedEntry]) -> [Result<Void, JournalError>] {
        var results = [Result<Void, JournalError>](repeating: .success(()), count: batch.count)
        if state.withLock({ refusing != nil }) { tryToRecover() }
        if let refusal = state.withLock({ refusing }) {
            return results.map { _ in .failure(JournalError(.refusing, "the journal is refusing writes since: \(refusal)")) }
        }
        var work: [(String, [(Int, SealedEntry)])] = []
        for (workshop, indices) in JournalEntry.groupedByWorkshop(batch.map(\.entry)) {
            let poisoned = state.withLock { poisonedThrough[workshop] ?? -1 }
            let live = indices.filter { batch[$0].entry.epoch > poisoned }
            for i in indices where !live.contains(i) {
                results[i] = .failure(JournalError(.refusing, "an earlier write of this workshop failed; this was decided after it"))
            }
            if !live.isEmpty { work.append((workshop, live.map { ($0, batch[$0]) })) }
        }
        // Each workshop's files are its own: commit them concurrently, each told its own outcome.
        let outcomes = Locked([[(Int, Result<Void, JournalError>)]](repeating: [], count: work.count))
        syncPool.run(work.count) { [self] k in
            let outcome = commit(work[k].0, work[k].1)
            outcomes.withLock { $0[k] = outcome }
        }
        for (i, result) in outcomes.withLock({ $0 }).joined() { results[i] = result }
        return results
    }

    /// Makes one workshop's entries durable: roster first, then the journal, one fsync each.
    /// Any failure undoes both files to their durable lengths and fails every entry.
    private func commit(_ workshop: String, _ entries: [(Int, SealedEntry)]) -> [(Int, Result<Void, JournalError>)] {
        var out: [(Int, Result<Void, JournalError>)] = []
        var newFiles = state.withLock { unsyncedKeys.contains(workshop) }
        do {
            var journal = try journalFile(workshop, newFiles: &newFiles)
            var encoded = EncodedBatch(seq: journal.seq, lastHash: journal.lastHash)
            var accepted: [Int] = []
            // An entry that could not be sealed is refused, and so is every later one of its
            // epoch: the room decided those against events that will never be durable.
            var refusedThrough = -1
            for (i, sealed) in entries {
                if sealed.entry.epoch <= refusedThrough {
                    out.append((i, .failure(JournalError(.refusing, "an earlier entry of this workshop could not be sealed; this was decided after it"))))
                    continue
                }
                switch sealed.events {
                case let .success(events): encoded.append(sealed.entry, sealedEvents: events); accepted.append(i)
                case let .failure(error): out.append((i, .failure(error))); refusedThrough = sealed.entry.epoch
                }
            }
            if refusedThrough >= 0 { state.withLock { poisonedThrough[workshop] = max(poisonedThrough[workshop] ?? -1, refusedThrough) } }
            guard !accepted.isEmpty else { return out }
            var roster: RosterFile?
            if !encoded.roster.isEmpty {
                var r = try rosterFile(workshop, newFiles: &newFiles)
                try appendDurably(path: Self.rosterPath(directory, workshop), fd: r.fd, durableLength: r.durableLength, encoded.roster)
                r.durableLength += encoded.roster.count
                roster = r
            }
            do {
                try appendDurably(path: Self.journalPath(directory, workshop), fd: journal.fd, durableLength: journal.durableLength, encoded.journal)
                if newFiles { try files.syncDirectory(directory) }
            } catch {
                if let r = roster { undo(Self.rosterPath(directory, workshop), fd: r.fd, to: r.durableLength - encoded.roster.count) }
                throw error
            }
            journal.seq = encoded.seq
            journal.lastHash = encoded.lastHash
            journal.durableLength += encoded.journal.count
            state.withLock {
                journals[workshop] = journal
                if let roster { rosters[workshop] = roster }
                if newFiles { unsyncedKeys.remove(workshop) }
                _fsyncs += roster == nil ? 1 : 2
            }
            return out + accepted.map { ($0, .success(())) }
        } catch {
            let failure = error as? JournalError ?? JournalError(.io, "\(error)")
            fail(workshop, entries: entries.map { ($0.0, $0.1.entry) }, failure)
            return entries.map { ($0.0, .failure(failure)) }
        }
    }

    func fail(_ workshop: String, entries: [(Int, JournalEntry)], _ error: JournalError) {
        state.withLock { poisonedThrough[workshop] = max(poisonedThrough[workshop] ?? -1, entries.map(\.1.epoch).max() ?? 0) }
        logger.critical(
            "journal write failed; refusing writes until the disk works again",
            metadata: [
                "workshop": "\(workshop)", "error": "\(error)", "entries_refused": "\(entries.count)"
            ])
        state.withLock { refusing = error }
    }

    /// Appends and syncs; on failure truncates back to the durable length (and syncs that), and
    /// marks the file suspect so it is reopened and checked before it is used again.
    func appendDurably(path: String, fd: Int32, durableLength: Int, _ bytes: [UInt8]) throws(JournalError) {
        do {
            try files.writeAll(fd, bytes[...])
            try files.fsync(fd)
        } catch {
            undo(path, fd: fd, to: durableLength)
            throw error
        }
    }

    func undo(_ path: String, fd: Int32, to length: Int) {
        try? files.truncate(fd, to: length)
        try? files.fsync(fd)
        state.withLock { _ = suspect.insert(path) }
    }

    // MARK: - files

    private func journalFile(_ workshop: String, newFiles: inout Bool) throws(JournalError) -> JournalFile {
        if let f = state.withLock({ journals[workshop] }) { return f }
        let path = Self.journalPath(directory, workshop)
        if FileManager.default.fileExists(atPath: path) {
            throw JournalError(.corrupt, "journal \(path) exists but was not resumed at start-up")
        }
        let f = JournalFile(fd: try files.openAppend(path), seq: 0, lastHash: JournalRecord.genesis, durableLength: 0)
        newFiles = true
        state.withLock { journals[workshop] = f }
        return f
    }

    private func rosterFile(_ workshop: String, newFiles: inout Bool) throws(JournalError) -> RosterFile {
        if let r = state.withLock({ rosters[workshop] }) { return r }
        let path = Self.rosterPath(directory, workshop)
        if !FileManager.default.fileExists(atPath: path) { newFiles = true }
        let fd = try files.openAppend(path)
        let length = try intactRosterLength(fd: fd, path: path)
        let r = RosterFile(fd: fd, durableLength: length)
        state.withLock { rosters[workshop] = r }
        return r
    }

    /// A roster whose last line was torn by a crash is cut back to its last full line, so the
    /// next line does not glue onto the torn one.
    private func intactRosterLength(fd: Int32, path: String) throws(JournalError) -> Int {
        let size = try files.size(fd)
        guard size > 0 else { return 0 }
        let bytes = try files.read(path, from: 0, count: size)
        let intact = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        if intact != size {
            try files.truncate(fd, to: intact)
            try files.fsync(fd)
        }
        return intact
    }
}

/// A value shared between threads, reachable only inside `withLock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}
