import Foundation

/// Batches passed in order from one replay stage to the next. The producer waits while
/// `maxAhead` batches are waiting (when a consumer runs, `bounded`), so memory stays flat on any
/// journal, and stops once the consumer cancels; the consumer waits for the next batch or the end.
final class BatchHandOff<Element>: @unchecked Sendable {
    /// Batches produced ahead of the consumer at most.
    static var maxAhead: Int { 32 }

    private let condition = NSCondition()
    private var batches: [[Element]] = []
    private var finished = false
    private var cancelled = false
    /// Whether `publish` waits while `maxAhead` batches are waiting (only with a consumer running).
    private let bounded: Bool

    init(bounded: Bool) { self.bounded = bounded }

    /// Hands a batch over, waiting while the consumer is far behind. False once cancelled.
    @discardableResult
    func publish(_ batch: [Element], last: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while bounded && batches.count >= Self.maxAhead && !cancelled && !last { condition.wait() }
        guard !cancelled else { return false }
        if !batch.isEmpty { batches.append(batch) }
        condition.broadcast()
        return true
    }

    /// The next batch in order, or nil once the producer finished and everything was taken.
    func next() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The consumer stopped: the producer stops at its next batch.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The producer is done; `record` stores its verdict under the same lock.
    func finish(_ record: () -> Void) {
        condition.lock()
        record()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilFinished() {
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// Reads state the producer recorded in `finish` (call after `waitUntilFinished`).
    func withLock<R>(_ body: () -> R) -> R { condition.withLock(body) }
}
