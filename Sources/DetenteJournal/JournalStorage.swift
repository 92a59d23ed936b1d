import Logging

/// Where a server's journals live: the folder of files (`JournalWriter`, the default) or
/// PostgreSQL (`PostgresJournal` in DetentePostgres). Both keep one contract.
///
/// - Important: A completion with `.success` is the only signal that an entry is durable (after
///   `fsync` on files, after `COMMIT` with `synchronous_commit = on` in PostgreSQL); the server
///   shows, acknowledges and broadcasts nothing before it. Completions of one workshop run in
///   submission order. An entry is durable as a whole or not at all, and a failed write never
///   leaves a record another record chains to.
public protocol JournalStorage: AnyObject, Sendable {
    typealias Completion = @Sendable (Result<Void, JournalError>) -> Void

    /// Makes this process fit to write: on files, takes the folder's lock; in PostgreSQL,
    /// connects and creates or migrates the schema.
    func prepare() throws
    /// Every workshop the storage holds.
    func workshopIDs() throws -> [String]
    /// Takes the workshop for this process (PostgreSQL: a session-level advisory lock, so at most
    /// one node serves it), loads it, repairing what is repairable, and continues its chain.
    /// - Throws: `JournalError` with code `.ownedElsewhere` when another node serves it.
    func openForServing(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded
    /// Reads a workshop without taking it or changing anything (`verify`, `export`, `events`).
    func loadReadOnly(_ workshop: String, logger: Logger) throws -> SessionStore.Loaded
    func start()
    func submit(_ entry: JournalEntry, completion: @escaping Completion)
    /// Writes everything queued, then stops (and lets go of every workshop it owns).
    func shutdown()
    /// Deletes the roster and the sealing key of a workshop (crypto-shredding): the chain still verifies.
    func purge(_ workshop: String) throws

    /// False while refusing writes or stopped.
    var isHealthy: Bool { get }
    var refusal: JournalError? { get }
    /// Test hook: called before each batch is written.
    var beforeBatch: (@Sendable () -> Void)? { get set }
    /// Observer of the latency of each batch's durable write (seconds, entries), for metrics.
    var onFsync: (@Sendable (Double, Int) -> Void)? { get set }
    /// Batches written so far (each batch is one fsync per file, or one transaction).
    var batchCount: Int { get }
    /// Shared storage only: the workshop of a join code (`code:<code>`) or token hash
    /// (`token:<hash>`) written by any node; nil if unknown.
    func workshop(forLookup key: String) throws -> String?
    /// True when several nodes serve workshops from this storage (PostgreSQL).
    var isShared: Bool { get }
    /// Lets go of a workshop (shared storage: its advisory lock), so that the node the proxy
    /// routes it to can take it. Only for a workshop with nothing queued.
    func release(_ workshop: String)
    /// Shared storage: asks whichever node owns the workshop to hand it over (the proxy now
    /// routes it here). The owner's release handler runs; it closes the workshop's connections
    /// and calls `release`.
    func requestRelease(_ workshop: String)
    /// Called (on the journal's thread) when another node asked for a workshop this node owns.
    func setReleaseHandler(_ handler: @escaping @Sendable (String) -> Void)
    /// For lazy start-up: the routing index of a workshop that has ended, read without opening
    /// sealed fields or replaying it; nil when it has not ended or the storage cannot tell
    /// cheaply (then the server opens it for serving at start-up).
    func routingIndexIfEnded(_ workshop: String) -> RoutingIndex?
}

extension JournalStorage {
    /// One process per folder knows every workshop in it already.
    public func workshop(forLookup key: String) throws -> String? { nil }
    public var isShared: Bool { false }
    public func release(_ workshop: String) {}
    public func requestRelease(_ workshop: String) {}
    public func setReleaseHandler(_ handler: @escaping @Sendable (String) -> Void) {}
    public func routingIndexIfEnded(_ workshop: String) -> RoutingIndex? { nil }
}
