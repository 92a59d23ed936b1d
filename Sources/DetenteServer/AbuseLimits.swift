import DetenteCore
import DetenteTransport

/// Limits per remote address and per seat, on top of the transport's per-connection ones. The
/// defaults are far above what a real room does (300 people behind one corporate NAT address
/// join at once without meeting them) and far below what a script does.
public struct AbuseLimits: Sendable {
    /// Join-code look-ups (`GET /api/join/CODE`) and websocket `join`s per remote address:
    /// a burst, then a steady rate. At 5/s, finding one live code among 31^6 takes years.
    public var lookupBurst: Double = 1_000
    public var lookupsPerSecond: Double = 5
    /// Messages per second per seat (a participant, or a workshop's facilitator), shared by
    /// every connection of that seat, so reconnecting does not multiply the budget.
    public var seatBurst: Double = 40
    public var seatMessagesPerSecond: Double = 20
    /// Connections one participant seat may hold at once; a `hello` beyond it takes the seat from
    /// the oldest (`seat_taken`). 1: a replayed token can never listen in unnoticed.
    public var connectionsPerSeat = 1

    public init() {}
}

/// Applies `AbuseLimits`; safe from any thread.
public final class AbuseGuard: Sendable {
    let lookups: KeyedRateLimiter
    let seats: KeyedRateLimiter

    public init(_ limits: AbuseLimits, clock: @escaping @Sendable () -> Double = KeyedRateLimiter.monotonicSeconds) {
        lookups = KeyedRateLimiter(capacity: limits.lookupBurst, refillPerSecond: limits.lookupsPerSecond, clock: clock)
        seats = KeyedRateLimiter(capacity: limits.seatBurst, refillPerSecond: limits.seatMessagesPerSecond, clock: clock)
    }

    /// A join or join-code look-up from `address`; nil when allowed.
    public func lookupRefusal(from address: String) -> RateLimitRefusal? {
        refusal(lookups.take(RemoteAddress.bucketKey(address)), what: "join attempts from your address")
    }

    /// A message from a seat (`workshop/participant`, or `workshop/facilitator`); nil when allowed.
    public func seatRefusal(_ seat: String) -> RateLimitRefusal? {
        refusal(seats.take(seat), what: "messages from your seat (all its connections together)")
    }

    private func refusal(_ decision: TokenBucket.Decision, what: String) -> RateLimitRefusal? {
        guard case let .limited(retryAfter) = decision else { return nil }
        return RateLimitRefusal(retryAfterSeconds: max(1, Int(retryAfter.rounded(.up))), what: what)
    }
}

/// A `rate_limited` answer: a websocket error frame, or HTTP 429 with `Retry-After`.
public struct RateLimitRefusal: Sendable, Equatable {
    public let retryAfterSeconds: Int
    public let what: String

    public var error: DetenteError {
        DetenteError(.rateLimited, "too many \(what); try again in \(retryAfterSeconds) s")
    }

    public var httpResponse: HTTPResponse {
        let body = JSON.object([
            ("type", "error"), ("code", .string(error.code.rawValue)), ("message", .string(error.message)),
            ("retry_after", .int(retryAfterSeconds))
        ]).encoded()
        return HTTPResponse(status: 429, body: body, headers: [("retry-after:", "\(retryAfterSeconds)")])
    }
}
