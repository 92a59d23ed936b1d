/// A token bucket over one connection's inbound messages: `perSecond` on average, `burst`
/// at once. The clock is passed in (uptime nanoseconds) so tests need no sleeping.
struct InboundRateLimit {
    let perSecond: Double
    let burst: Double
    private var tokens: Double
    private var lastRefill: UInt64

    init(perSecond: Double, burst: Double, now: UInt64) {
        self.perSecond = perSecond
        self.burst = burst
        tokens = burst
        lastRefill = now
    }

    /// Takes one token if there is one.
    mutating func take(now: UInt64) -> Bool {
        // A clock that went backwards adds nothing.
        let elapsed = now > lastRefill ? Double(now - lastRefill) / 1e9 : 0
        lastRefill = max(now, lastRefill)
        tokens = min(burst, tokens + elapsed * perSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
