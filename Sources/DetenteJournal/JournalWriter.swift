import DetenteCore
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
/// - Important: A completion with `.success` is the only signal that an event is durable; the
///   server acknowledges and broadcasts nothing before it.
public final class JournalWriter: @unchecked Sendable {
    public enum Entry: Sendable {
        case events(workshop: String, events: [Event], at: Int64)
        /// The roster lives in its own file so identities can be purged without touching the journal.
        case roster(workshop: String, participant: ParticipantID, name: String)
    }
    public typealias Completion = @Sendable (Result<Void, JournalError>) -> Void

    struct OpenFile {
        var fd: Int32
        var seq: Int
        var lastHash: String
    }

    public let directory: String
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [(Entry, Completion)] = []
    private var stopping = false
    private var stopped = false
    private var journals: [String: OpenFile] = [:]
    private var rosters: [String: Int32] = [:]
    private var seals: [String: AuthorSeal] = [:]
    private var thread: Thread?
    private var _fsyncs = 0
    private var _healthy = true
    private var _batches = 0
    /// Test hook: called before each batch is written (lets a test hold the writer to build a backlog).
    public var beforeBatch: (@Sendable () -> Void)?
    /// fsync latency observer (seconds), for metrics.
    public var onFsync: (@Sendable (Double, Int) -> Void)?

    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    public var fsyncCount: Int { condition.lock(); defer { condition.unlock() }; return _fsyncs }
    public var batchCount: Int { condition.lock(); defer { condition.unlock() }; return _batches }
    public var isHealthy: Bool { condition.lock(); defer { condition.unlock() }; return _healthy && !stopped }

    public static func journalPath(_ directory: String, _ workshop: String) -> String { directory + "/" + workshop + ".journal" }
    public static func rosterPath(_ directory: String, _ workshop: String) -> String { directory + "/" + workshop + ".roster" }

    /// Registers a journal found at start-up so appends continue its sequence and chain.
    public func resume(workshop: String, seq: Int, lastHash: String) throws {
        let fd = try Self.openAppend(Self.journalPath(directory, workshop))
        condition.lock()
        journals[workshop] = OpenFile(fd: fd, seq: seq, lastHash: lastHash)
        condition.unlock()
    }

    public func start() {
        let t = Thread { [weak self] in self?.run() }
        t.name = "detente-journal"
        thread = t
        t.start()
    }

    public func submit(_ entry: Entry, completion: @escaping Completion) {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            completion(.failure(JournalError(.closed, "journal writer is shut down")))
            return
        }
        queue.append((entry, completion))
        condition.signal()
        condition.unlock()
    }

    /// Writes everything queued, then stops the writer thread.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped, thread != nil { condition.wait() }
        for f in journals.values { close(f.fd) }
        for fd in rosters.values { close(fd) }
        journals = [:]
        rosters = [:]
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            beforeBatch?()
            let result = write(batch)
            for (_, completion) in batch { completion(result) }
        }
    }

    private func write(_ batch: [(Entry, Completion)]) -> Result<Void, JournalError> {
        var buffers: [Int32: [UInt8]] = [:]
        var order: [Int32] = []
        var newFiles = false
        do {
            for (entry, _) in batch {
                switch entry {
                case let .events(workshop, events, at):
                    var file: OpenFile
                    if let existing = journals[workshop] { file = existing } else {
                        file = OpenFile(fd: try Self.openAppend(Self.journalPath(directory, workshop)), seq: 0, lastHash: JournalRecord.genesis)
                        newFiles = true
                    }
                    if buffers[file.fd] == nil { order.append(file.fd) }
                    let seal: AuthorSeal
                    if let existing = seals[workshop] { seal = existing } else {
                        seal = try AuthorSeal.load(directory: directory, workshop: workshop, create: true)
                        seals[workshop] = seal
                    }
                    for event in events {
                        file.seq += 1
                        let (line, hash) = JournalRecord.encode(seq: file.seq, at: at, event: seal.sealed(event), prev: file.lastHash)
                        file.lastHash = hash
                        buffers[file.fd, default: []].append(contentsOf: line.utf8)
                    }
                    journals[workshop] = file
                case let .roster(workshop, participant, name):
                    let fd: Int32
                    if let existing = rosters[workshop] { fd = existing } else {
                        fd = try Self.openAppend(Self.rosterPath(directory, workshop))
                        rosters[workshop] = fd
                        newFiles = true
                    }
                    if buffers[fd] == nil { order.append(fd) }
                    let line = JSON.object([("p", .string(participant)), ("name", .string(name))]).encoded() + "\n"
                    buffers[fd, default: []].append(contentsOf: line.utf8)
                }
            }
            let started = DispatchTime.now().uptimeNanoseconds
            for fd in order {
                try Self.writeAll(fd, buffers[fd]!)
                guard fsync(fd) == 0 else { throw JournalError(.io, "fsync", errno: errno) }
            }
            if newFiles { try Self.syncDirectory(directory) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            onFsync?(seconds, batch.count)
            condition.lock()
            _fsyncs += order.count
            _batches += 1
            condition.unlock()
            return .success(())
        } catch let error as JournalError {
            logger.critical("journal write failed; refusing further acknowledgements", metadata: ["error": "\(error)"])
            condition.lock(); _healthy = false; condition.unlock()
            return .failure(error)
        } catch {
            condition.lock(); _healthy = false; condition.unlock()
            return .failure(JournalError(.io, "\(error)"))
        }
    }

    static func openAppend(_ path: String) throws(JournalError) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(.io, "open \(path)", errno: errno) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(JournalError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError(.io, "write", errno: errno)
            }
            written += n
        }
    }

    /// A new file's directory entry is durable only once its directory is synced.
    static func syncDirectory(_ path: String) throws(JournalError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw JournalError(.io, "open directory \(path)", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw JournalError(.io, "fsync directory", errno: errno) }
    }
}
