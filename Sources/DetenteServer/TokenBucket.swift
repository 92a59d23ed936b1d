/// A token bucket: `capacity` tokens at most, refilled continuously at `refillPerSecond`.
/// A pure value over an injected clock (seconds, any origin), so tests drive time by hand.
public struct TokenBucket: Sendable, Equatable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; one token will be back after this many seconds.
        case limited(retryAfter: Double)
    }

    public let capacity: Double
    public let refillPerSecond: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Double

    /// Starts full.
    public init(capacity: Double, refillPerSecond: Double, now: Double) {
        precondition(capacity >= 1 && refillPerSecond > 0, "a token bucket needs capacity >= 1 and a positive refill rate")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.tokens = capacity
        self.updatedAt = now
    }

    /// Takes one token if there is one. A clock that goes backwards adds nothing.
    public mutating func take(now: Double) -> Decision {
        refill(now: now)
        guard tokens >= 1 else { return .limited(retryAfter: (1 - tokens) / refillPerSecond) }
        tokens -= 1
        return .allowed
    }

    /// True when the bucket would be full at `now`: it then carries no state worth keeping.
    public func isFull(now: Double) -> Bool {
        tokens + max(0, now - updatedAt) * refillPerSecond >= capacity
    }

    private mutating func refill(now: Double) {
        let elapsed = max(0, now - updatedAt)
        tokens = min(capacity, tokens + elapsed * refillPerSecond)
        updatedAt = max(updatedAt, now)
    }
}
