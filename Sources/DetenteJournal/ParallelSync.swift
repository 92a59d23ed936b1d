import Foundation

/// A few threads that run one batch's per-workshop commits at the same time: each commit mostly
/// waits in `fsync` for the device, so syncing the touched files concurrently lets the device
/// (ext4 joins concurrent fsyncs into one journal commit) serve them together instead of one
/// after another. GCD's pool is sized by cores and would run only two at once here.
final class ParallelSync: @unchecked Sendable {
    private let condition = NSCondition()
    private var tasks: [() -> Void] = []
    private var stopping = false
    private let maxThreads: Int
    private let name: String
    private var started = 0

    /// Threads start on first need (a writer that never sees two workshops in a batch has none).
    init(threads: Int, name: String) {
        maxThreads = threads
        self.name = name
    }

    /// Runs `body(0..<count)` concurrently (the caller's thread runs one of them) and returns
    /// once all have finished.
    func run(_ count: Int, _ body: @escaping (Int) -> Void) {
        guard count > 1 else { if count == 1 { body(0) }; return }
        let done = DispatchGroup()
        condition.withLock {
            for i in 1..<count {
                done.enter()
                tasks.append {
                    body(i); done.leave()
                }
            }
            while started < min(maxThreads, count - 1) {
                let t = Thread { [self] in work() }
                t.name = "\(name)-\(started)"
                started += 1
                t.start()
            }
            condition.broadcast()
        }
        body(0)
        done.wait()
    }

    /// Lets the threads finish (they exit once the task list is empty).
    func stop() {
        condition.withLock {
            stopping = true; condition.broadcast()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while tasks.isEmpty && !stopping { condition.wait() }
            if tasks.isEmpty { condition.unlock(); return }
            let task = tasks.removeFirst()
            condition.unlock()
            task()
        }
    }
}
