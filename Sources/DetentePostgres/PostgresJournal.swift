import DetenteCore
import DetenteJournal
import Foundation
import Logging

/// The journal in PostgreSQL, with the file journal's contract (see `JournalStorage`).
///
/// One writer thread takes everything queued and writes it in one transaction (group commit);
/// completions run after `COMMIT` returned, with `synchronous_commit = on`, so an acknowledged
/// entry is in PostgreSQL's WAL on disk. Records are the file journal's lines, so chains verify
/// with the same code. A failed transaction fails every entry of its batch, and the writer
/// refuses until it has reconnected and checked the chains it owns (see `recover`).
///
/// Ownership: a workshop is written only by the node holding its session-level advisory lock,
/// taken before it is replayed (or at its first record) on this node's one connection and held
/// until the connection closes. The primary key (workshop, seq) makes a fork impossible even if
/// two writers ever raced.
public final class PostgresJournal: JournalStorage, @unchecked Sendable {
    struct Chain { var seq: Int; var lastHash: String }

    public let url: String
    let logger: Logger
    public var maxQueuedEntries: Int { commits.maxQueued }
    public var retryInterval: TimeInterval {
        get { stateLock.withLock { _retryInterval } }
        set { stateLock.withLock { _retryInterval = newValue } }
    }
    private var commits: GroupCommitQueue<JournalEntry>!
    /// Guards `refusing`, `releaseHandler` and the retry interval.
    let stateLock = NSLock()
    private var _retryInterval: TimeInterval = 0.5
    var refusing: JournalError?
    public var beforeBatch: (@Sendable () -> Void)? {
        get { commits.beforeBatch }
        set { commits.beforeBatch = newValue }
    }
    public var onFsync: (@Sendable (Double, Int) -> Void)? {
        get { commits.onCommit }
        set { commits.onCommit = newValue }
    }
    var releaseHandler: (@Sendable (String) -> Void)?

    /// Guards `connection`, `chains`, `seals`, `poisonedThrough`: used by the writer thread and by
    /// `openForServing` between batches.
    let connectionLock = NSLock()
    var connection: PostgresConnection?
    /// The workshops this node owns (holds the advisory lock of), where their chains stand.
    var chains: [String: Chain] = [:]
    var seals: [String: AuthorSeal] = [:]
    var poisonedThrough: [String: Int] = [:]
    /// Workshops whose last transaction failed, to be checked by `recover`.
    var inDoubt: [String: InDoubt] = [:]

    /// - Parameter url: a libpq connection URI (`postgres://user@host:port/db`).
    public init(url: String, logger: Logger, maxQueuedEntries: Int = 100_000) {
        self.url = url
        self.logger = logger
        commits = GroupCommitQueue(
            name: "detente-journal-pg", maxQueued: maxQueuedEntries,
            commit: { [unowned self] in write($0) },
            // Idle: retry after a failure, otherwise look for hand-over requests four times a second.
            idleInterval: { [unowned self] in stateLock.withLock { refusing == nil ? 0.25 : _retryInterval } },
            idle: { [unowned self] in if stateLock.withLock({ refusing != nil }) { recover() } else { pollReleaseRequests() } },
            afterBatch: { [unowned self] in pollReleaseRequests() })
    }

    public var isHealthy: Bool { stateLock.withLock { refusing == nil } && !commits.isStopped }
    public var refusal: JournalError? { stateLock.withLock { refusing } }
    public var batchCount: Int { commits.batchCount }
    /// How many workshops this node owns now (for `/metrics`).
    public var ownedCount: Int { connectionLock.withLock { chains.count } }

    public func prepare() throws {
        try connectionLock.withLock { () throws in
            let c = try Self.connect(url)
            try PostgresSchema.migrate(c)
            try c.query("LISTEN \(Self.releaseChannel)")
            connection = c
        }
    }

    static func connect(_ url: String) throws(JournalError) -> PostgresConnection {
        let c = try PostgresConnection(url: url)
        // An acknowledgement must mean the commit is on disk, whatever the server's default.
        try c.query("SET synchronous_commit = on")
        // detente/<pid>: which node holds which lock is one join of pg_locks and pg_stat_activity.
        try c.query("SET application_name = 'detente/\(getpid())'")
        try c.query("SET client_min_messages = warning")
        return c
    }

    func withConnection<R>(_ body: (PostgresConnection) throws(JournalError) -> R) throws(JournalError) -> R {
        let result = connectionLock.withLock { () -> Result<R, JournalError> in
            guard let connection, connection.isConnected else { return .failure(JournalError(.io, "PostgreSQL: not connected")) }
            do throws(JournalError) { return .success(try body(connection)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public func workshopIDs() throws -> [String] {
        try withConnection { c throws(JournalError) in
            try c.query("SELECT DISTINCT workshop FROM detente_records ORDER BY workshop").compactMap { $0.first ?? nil }
        }
    }

    public func openForServing(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded {
        try connectionLock.withLock { () throws -> SessionStore.Loaded in
            guard let c = connection, c.isConnected else { throw JournalError(.io, "PostgreSQL: not connected") }
            if chains[workshop] != nil { throw JournalError(.corrupt, "workshop \(workshop) is already open on this node") }
            guard try Self.tryLock(c, workshop) else {
                throw JournalError(.ownedElsewhere, "workshop \(workshop) is served by another node")
            }
            do throws(JournalError) {
                let (loaded, seal) = try Self.read(c, workshop)
                if let problem = loaded.problem {
                    throw JournalError(.corrupt, "workshop \(workshop) does not verify in PostgreSQL: \(problem)")
                }
                chains[workshop] = Chain(seq: loaded.records.count, lastHash: loaded.records.last?.hash ?? JournalRecord.genesis)
                seals[workshop] = seal
                return loaded
            } catch {
                Self.unlock(c, workshop)
                throw error
            }
        }
    }

    public func workshop(forLookup key: String) throws -> String? {
        try withConnection { c throws(JournalError) in
            try c.query("SELECT workshop FROM detente_lookup WHERE key = $1", [key]).first?.first ?? nil
        }
    }

    public var isShared: Bool { true }

    /// NOTIFY channel of hand-over requests; the payload is the workshop id.
    static let releaseChannel = "detente_release"

    public func requestRelease(_ workshop: String) {
        _ = try? withConnection { c throws(JournalError) in try c.query("SELECT pg_notify($1, $2)", [Self.releaseChannel, workshop]) }
    }

    public func setReleaseHandler(_ handler: @escaping @Sendable (String) -> Void) {
        stateLock.withLock { releaseHandler = handler }
    }

    /// Hand-over requests for workshops this node owns (polled by the writer thread when idle).
    func pollReleaseRequests() {
        let asked = connectionLock.withLock { () -> [String] in
            guard let c = connection, let payloads = try? c.notifications() else { return [] }
            return Array(Set(payloads.filter { chains[$0] != nil })).sorted()
        }
        guard !asked.isEmpty, let handler = stateLock.withLock({ releaseHandler }) else { return }
        for workshop in asked { handler(workshop) }
    }

    public func release(_ workshop: String) {
        connectionLock.withLock {
            guard chains.removeValue(forKey: workshop) != nil else { return }
            seals[workshop] = nil
            if let c = connection { Self.unlock(c, workshop) }
        }
    }

    public func loadReadOnly(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded {
        try withConnection { c throws(JournalError) in try Self.read(c, workshop).0 }
    }

    public func purge(_ workshop: String) throws {
        try withConnection { c throws(JournalError) in
            try c.query("BEGIN")
            do throws(JournalError) {
                try c.query("DELETE FROM detente_keys WHERE workshop = $1", [workshop])
                try c.query("DELETE FROM detente_roster WHERE workshop = $1", [workshop])
                try c.query("COMMIT")
            } catch {
                _ = try? c.query("ROLLBACK")
                throw error
            }
        }
        connectionLock.withLock { seals[workshop] = AuthorSeal(keyBytes: nil) }
    }

    // MARK: - the group-commit queue (shared with JournalWriter)

    public func start() { commits.start() }

    public func submit(_ entry: JournalEntry, completion: @escaping Completion) {
        commits.submit(entry, completion: completion)
    }

    /// Writes everything queued, stops, and closes the connection: every advisory lock goes with it.
    public func shutdown() {
        commits.shutdown()
        connectionLock.withLock {
            // Closing would release them too, but only once the backend notices: now, for the next node.
            _ = try? connection?.query("SELECT pg_advisory_unlock_all()")
            connection = nil
            chains = [:]
        }
    }
}
