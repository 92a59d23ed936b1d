import Foundation

/// One token bucket per key (a remote address, a seat), safe from any thread. Memory is
/// bounded: when more than `maxKeys` are tracked, buckets that have refilled completely are
/// dropped (they hold no state); if every bucket is still busy, the oldest-updated half goes.
public final class KeyedRateLimiter: @unchecked Sendable {
    public let capacity: Double
    public let refillPerSecond: Double
    public let maxKeys: Int
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var buckets: [String: TokenBucket] = [:]

    public init(
        capacity: Double, refillPerSecond: Double, maxKeys: Int = 100_000,
        clock: @escaping @Sendable () -> Double = KeyedRateLimiter.monotonicSeconds
    ) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.maxKeys = maxKeys
        self.clock = clock
    }

    public func take(_ key: String) -> TokenBucket.Decision {
        let now = clock()
        lock.lock()
        defer { lock.unlock() }
        var bucket = buckets[key] ?? TokenBucket(capacity: capacity, refillPerSecond: refillPerSecond, now: now)
        let decision = bucket.take(now: now)
        buckets[key] = bucket
        if buckets.count > maxKeys { prune(now: now) }
        return decision
    }

    public var trackedKeys: Int { lock.lock(); defer { lock.unlock() }; return buckets.count }

    /// Lock held.
    private func prune(now: Double) {
        buckets = buckets.filter { !$0.value.isFull(now: now) }
        guard buckets.count > maxKeys else { return }
        let keep = buckets.sorted { $0.value.updatedAt > $1.value.updatedAt }.prefix(maxKeys / 2)
        buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }

    public static let monotonicSeconds: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
