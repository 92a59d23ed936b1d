import Foundation

/// The group-commit loop every journal shares: callers queue items from any thread; one thread
/// takes everything queued, hands it to `commit` as one batch, then runs the completions in
/// submission order with the results `commit` returned.
///
/// The journal plugs in what a batch means (`commit`: write and fsync files, or one PostgreSQL
/// transaction) and what to do while nothing is queued (`idle`: retry after a failure, poll for
/// hand-over requests). The queue is bounded: beyond `maxQueued` an item fails at once (`busy`).
///
/// - Important: A completion runs only after `commit` returned for its batch; a journal reports
///   `.success` only for what that commit made durable.
public final class GroupCommitQueue<Item>: @unchecked Sendable {
    public typealias Completion = @Sendable (Result<Void, JournalError>) -> Void
    public typealias Commit = ([Item]) -> [Result<Void, JournalError>]

    public let maxQueued: Int
    private let name: String
    private let commit: Commit
    /// How long to wait for work before calling `idle` (nil: wait until something is queued).
    private let idleInterval: () -> TimeInterval?
    private let idle: () -> Void
    private let afterBatch: () -> Void
    private let condition = NSCondition()
    private var queue: [(Item, Completion)] = []
    private var stopping = false
    private var stopped = false
    private var thread: Thread?
    private var batches = 0
    /// Test hook: called before each batch is committed (lets a test hold the writer).
    public var beforeBatch: (@Sendable () -> Void)?
    /// Observer of each batch's commit latency (seconds, items), for metrics.
    public var onCommit: (@Sendable (Double, Int) -> Void)?

    public init(
        name: String, maxQueued: Int, commit: @escaping Commit,
        idleInterval: @escaping () -> TimeInterval? = { nil }, idle: @escaping () -> Void = {},
        afterBatch: @escaping () -> Void = {}
    ) {
        self.name = name
        self.maxQueued = maxQueued
        self.commit = commit
        self.idleInterval = idleInterval
        self.idle = idle
        self.afterBatch = afterBatch
    }

    public var batchCount: Int { condition.withLock { batches } }
    public var isStopped: Bool { condition.withLock { stopped } }

    public func start() {
        let t = Thread { [weak self] in self?.run() }
        t.name = name
        condition.withLock { thread = t }
        t.start()
    }

    public func submit(_ item: Item, completion: @escaping Completion) {
        condition.lock()
        if stopping {
            condition.unlock()
            return completion(.failure(JournalError(.closed, "journal writer is shut down")))
        }
        if queue.count >= maxQueued {
            condition.unlock()
            return completion(.failure(JournalError(.busy, "the journal has \(maxQueued) entries waiting")))
        }
        queue.append((item, completion))
        condition.signal()
        condition.unlock()
    }

    /// Commits everything queued, then stops the thread; returns once it has stopped.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped, thread != nil { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while let batch = nextBatch() {
            beforeBatch?()
            let started = DispatchTime.now().uptimeNanoseconds
            let results = commit(batch.map(\.0))
            onCommit?(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, batch.count)
            condition.withLock { batches += 1 }
            for (i, (_, completion)) in batch.enumerated() { completion(results[i]) }
            afterBatch()
        }
    }

    /// Waits for work (calling `idle` every `idleInterval` meanwhile); nil once stopping and empty.
    private func nextBatch() -> [(Item, Completion)]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping {
            if let interval = idleInterval() {
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: interval))
                if !signalled, queue.isEmpty, !stopping { condition.unlock(); idle(); condition.lock() }
            } else {
                condition.wait()
            }
        }
        if queue.isEmpty {
            stopped = true
            condition.broadcast()
            return nil
        }
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        return batch
    }
}
