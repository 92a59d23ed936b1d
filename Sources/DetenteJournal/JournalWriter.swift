import DetenteModel
import DetenteWorkshop
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The single writer of every journal and roster file.
///
/// Callers hand over entries from any thread; one writer thread takes everything queued, writes
/// it, and makes it durable with one `fsync` per touched file (group commit). Completions run on
/// the writer thread, in submission order, only after the `fsync` returned.
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

    public let directory: String
    private let logger: Logger
    private let files: JournalFiles
    /// Entries waiting for the writer beyond this are refused (`busy`): memory stays bounded.
    public var maxQueuedEntries: Int { commits.maxQueued }
    public var retryInterval: TimeInterval {
        get { state.withLock { _retryInterval } }
        set { state.withLock { _retryInterval = newValue } }
    }
    private var commits: GroupCommitQueue<JournalEntry>!
    /// Guards `refusing`, the counters and the retry interval (read by any thread).
    private let state = NSLock()
    private var _retryInterval: TimeInterval = 0.5
    private var journals: [String: JournalFile] = [:]
    private var rosters: [String: RosterFile] = [:]
    private var seals: [String: AuthorSeal] = [:]
    /// Files whose unsynced state cannot be trusted: reopened, truncated and checked before use.
    private var suspect: Set<String> = []
    /// Entries of a workshop with an epoch up to this one are refused (see `JournalEntry.epoch`).
    private var poisonedThrough: [String: Int] = [:]
    private var refusing: JournalError?
    private var _fsyncs = 0
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

    public init(directory: String, logger: Logger, files: JournalFiles = PosixJournalFiles(), maxQueuedEntries: Int = 100_000) {
        self.directory = directory
        self.logger = logger
        self.files = files
        commits = GroupCommitQueue(
            name: "detente-journal", maxQueued: maxQueuedEntries,
            commit: { [unowned self] in write($0) },
            // While refusing, recover by itself once the disk works again, even with nothing to write.
            idleInterval: { [unowned self] in state.withLock { refusing == nil ? nil : _retryInterval } },
            idle: { [unowned self] in tryToRecover() })
    }

    public var fsyncCount: Int { state.withLock { _fsyncs } }
    public var batchCount: Int { commits.batchCount }
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

    public func submit(_ entry: JournalEntry, completion: @escaping Completion) {
        commits.submit(entry, completion: completion)
    }

    /// Writes everything queued, then stops the writer thread.
    public func shutdown() {
        commits.shutdown()
        state.withLock {
            for f in journals.values where f.fd >= 0 { files.close(f.fd) }
            for r in rosters.values where r.fd >= 0 { files.close(r.fd) }
            journals = [:]
            rosters = [:]
            folderLock = nil
        }
    }

    // MARK: - one batch

    private func write(_ batch: [JournalEntry]) -> [Result<Void, JournalError>] {
        var results = [Result<Void, JournalError>](repeating: .success(()), count: batch.count)
        if state.withLock({ refusing != nil }) { tryToRecover() }
        if let refusal = state.withLock({ refusing }) {
            return results.map { _ in .failure(JournalError(.refusing, "the journal is refusing writes since: \(refusal)")) }
        }
        for (workshop, indices) in JournalEntry.groupedByWorkshop(batch) {
            let live = indices.filter { batch[$0].epoch > (poisonedThrough[workshop] ?? -1) }
            for i in indices where !live.contains(i) {
                results[i] = .failure(JournalError(.refusing, "an earlier write of this workshop failed; this was decided after it"))
            }
            guard !live.isEmpty else { continue }
            for (i, result) in commit(workshop, live.map { ($0, batch[$0]) }) { results[i] = result }
        }
        return results
    }

    /// Makes one workshop's entries durable: roster first, then the journal, one fsync each.
    /// Any failure undoes both files to their durable lengths and fails every entry.
    private func commit(_ workshop: String, _ entries: [(Int, JournalEntry)]) -> [(Int, Result<Void, JournalError>)] {
        var out: [(Int, Result<Void, JournalError>)] = []
        var newFiles = false
        do {
            let seal = try sealFor(workshop, newFiles: &newFiles)
            var journal = try journalFile(workshop, newFiles: &newFiles)
            var encoded = EncodedBatch(seq: journal.seq, lastHash: journal.lastHash)
            var accepted: [Int] = []
            for (i, entry) in entries {
                do { try encoded.append(entry, seal: seal); accepted.append(i) } catch {
                    out.append((i, .failure(error as? JournalError ?? JournalError(.sealing, "\(error)"))))
                }
            }
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
            journals[workshop] = journal
            if let roster { rosters[workshop] = roster }
            state.withLock { _fsyncs += roster == nil ? 1 : 2 }
            return out + accepted.map { ($0, .success(())) }
        } catch {
            let failure = error as? JournalError ?? JournalError(.io, "\(error)")
            fail(workshop, entries: entries, failure)
            return entries.map { ($0.0, .failure(failure)) }
        }
    }

    private func fail(_ workshop: String, entries: [(Int, JournalEntry)], _ error: JournalError) {
        poisonedThrough[workshop] = max(poisonedThrough[workshop] ?? -1, entries.map(\.1.epoch).max() ?? 0)
        logger.critical("journal write failed; refusing writes until the disk works again", metadata: [
            "workshop": "\(workshop)", "error": "\(error)", "entries_refused": "\(entries.count)",
        ])
        state.withLock { refusing = error }
    }

    /// Appends and syncs; on failure truncates back to the durable length (and syncs that), and
    /// marks the file suspect so it is reopened and checked before it is used again.
    private func appendDurably(path: String, fd: Int32, durableLength: Int, _ bytes: [UInt8]) throws(JournalError) {
        do {
            try files.writeAll(fd, bytes[...])
            try files.fsync(fd)
        } catch {
            undo(path, fd: fd, to: durableLength)
            throw error
        }
    }

    private func undo(_ path: String, fd: Int32, to length: Int) {
        try? files.truncate(fd, to: length)
        try? files.fsync(fd)
        suspect.insert(path)
    }

    // MARK: - files

    private func sealFor(_ workshop: String, newFiles: inout Bool) throws(JournalError) -> AuthorSeal {
        if let s = seals[workshop] { return s }
        let existed = FileManager.default.fileExists(atPath: AuthorSeal.keyPath(directory, workshop))
        let seal = try AuthorSeal.load(directory: directory, workshop: workshop, create: !existed)
        if !existed { newFiles = true }
        seals[workshop] = seal
        return seal
    }

    private func journalFile(_ workshop: String, newFiles: inout Bool) throws(JournalError) -> JournalFile {
        if let f = journals[workshop] { return f }
        let path = Self.journalPath(directory, workshop)
        if FileManager.default.fileExists(atPath: path) {
            throw JournalError(.corrupt, "journal \(path) exists but was not resumed at start-up")
        }
        let f = JournalFile(fd: try files.openAppend(path), seq: 0, lastHash: JournalRecord.genesis, durableLength: 0)
        newFiles = true
        journals[workshop] = f
        return f
    }

    private func rosterFile(_ workshop: String, newFiles: inout Bool) throws(JournalError) -> RosterFile {
        if let r = rosters[workshop] { return r }
        let path = Self.rosterPath(directory, workshop)
        if !FileManager.default.fileExists(atPath: path) { newFiles = true }
        let fd = try files.openAppend(path)
        let length = try intactRosterLength(fd: fd, path: path)
        let r = RosterFile(fd: fd, durableLength: length)
        rosters[workshop] = r
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

    // MARK: - recovery

    /// Reopens and checks every suspect file, then proves the folder takes a synced write. On
    /// success the writer accepts entries again.
    private func tryToRecover() {
        do {
            for path in suspect.sorted() { try reopenAndCheck(path) }
            suspect.removeAll()
            try probeWrite()
            let was = state.withLock { () -> JournalError? in let r = refusing; refusing = nil; return r }
            if let was { logger.notice("journal writes work again; accepting entries", metadata: ["was": "\(was)"]) }
        } catch {
            state.withLock { refusing = error }
        }
    }

    private func reopenAndCheck(_ path: String) throws(JournalError) {
        if let (workshop, f) = journals.first(where: { Self.journalPath(directory, $0.key) == path }) {
            files.close(f.fd)
            var fresh = f
            fresh.fd = -1  // closed: never closed again, even if reopening fails
            journals[workshop] = fresh
            fresh.fd = try files.openAppend(path)
            journals[workshop] = fresh
            try files.truncate(fresh.fd, to: f.durableLength)
            try files.fsync(fresh.fd)
            try checkTail(path, f)
        } else if let (workshop, r) = rosters.first(where: { Self.rosterPath(directory, $0.key) == path }) {
            files.close(r.fd)
            var fresh = r
            fresh.fd = -1
            rosters[workshop] = fresh
            fresh.fd = try files.openAppend(path)
            rosters[workshop] = fresh
            try files.truncate(fresh.fd, to: r.durableLength)
            try files.fsync(fresh.fd)
        }
    }

    /// After a failed fsync the kernel may have dropped pages it said it wrote (PostgreSQL's
    /// "fsyncgate", 2018): read the last durable record back and check it ends with its hash.
    private func checkTail(_ path: String, _ f: JournalFile) throws(JournalError) {
        guard f.durableLength > 0 else { return }
        let suffix = Array(f.lastHash.utf8) + Array("\"}\n".utf8)
        let bytes = try files.read(path, from: f.durableLength - suffix.count, count: suffix.count)
        guard bytes == suffix else { throw JournalError(.corrupt, "the last durable record of \(path) does not read back") }
    }

    private func probeWrite() throws(JournalError) {
        let path = directory + "/.detente-probe"
        let fd = try files.openAppend(path)
        defer { files.close(fd); unlink(path) }
        try files.truncate(fd, to: 0)
        try files.writeAll(fd, [UInt8](repeating: 0x20, count: 4096)[...])
        try files.fsync(fd)
    }
}

/// The bytes one workshop's entries add in a batch, chained from where its journal stands.
/// Public so that every `JournalStorage` writes the same record bytes (and `verify` is shared).
public struct EncodedBatch {
    public var seq: Int
    public var lastHash: String
    public var journal: [UInt8] = []
    public var roster: [UInt8] = []

    public init(seq: Int, lastHash: String) { self.seq = seq; self.lastHash = lastHash }

    /// Encodes a whole entry or nothing of it (sealing fails closed).
    public mutating func append(_ entry: JournalEntry, seal: AuthorSeal) throws(JournalError) {
        var lines: [UInt8] = []
        var s = seq, h = lastHash
        let at = entry.at - entry.at % Visibility.storedTimeGranularityMillis
        for event in entry.events {
            s += 1
            let (line, hash) = JournalRecord.encode(seq: s, at: at, event: try seal.sealed(event), prev: h)
            h = hash
            lines.append(contentsOf: line.utf8)
        }
        if let r = entry.roster {
            roster.append(contentsOf: (JSON.object([("p", .string(r.participant)), ("name", .string(r.name))]).encoded() + "\n").utf8)
        }
        journal.append(contentsOf: lines)
        seq = s
        lastHash = h
    }
}
