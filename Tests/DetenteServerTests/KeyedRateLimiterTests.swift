import DetenteServer
import Foundation
import Testing

final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 0
    var now: Double { lock.lock(); defer { lock.unlock() }; return seconds }
    func advance(_ by: Double) { lock.lock(); seconds += by; lock.unlock() }
}

@Suite struct KeyedRateLimiterTests {
    @Test func keysHaveSeparateBuckets() {
        let clock = ManualClock()
        let limiter = KeyedRateLimiter(capacity: 2, refillPerSecond: 1, clock: { clock.now })
        #expect(limiter.take("a") == .allowed && limiter.take("a") == .allowed)
        #expect(limiter.take("a") != .allowed)
        #expect(limiter.take("b") == .allowed)
        clock.advance(1)
        #expect(limiter.take("a") == .allowed)
    }

    @Test func memoryIsBoundedWithoutForgettingBusyKeysFirst() {
        let clock = ManualClock()
        let limiter = KeyedRateLimiter(capacity: 1, refillPerSecond: 0.001, maxKeys: 100, clock: { clock.now })
        #expect(limiter.take("busy") == .allowed)
        for i in 0..<1_000 { _ = limiter.take("k\(i)"); clock.advance(0.001) }
        #expect(limiter.trackedKeys <= 101)
        // The oldest busy bucket went in the purge; the recent ones are still limited.
        #expect(limiter.take("k999") != .allowed)
    }

    @Test func guardRefusesLookupsPerAddressAndCountsIPv6ByPrefix() {
        var limits = AbuseLimits()
        limits.lookupBurst = 2
        limits.lookupsPerSecond = 0.5
        let clock = ManualClock()
        let abuse = AbuseGuard(limits, clock: { clock.now })
        #expect(abuse.lookupRefusal(from: "2001:db8:1:2::10") == nil)
        #expect(abuse.lookupRefusal(from: "2001:db8:1:2:ffff::1") == nil)
        let refusal = abuse.lookupRefusal(from: "2001:db8:1:2::99")
        #expect(refusal?.retryAfterSeconds == 2)
        #expect(refusal?.error.code.rawValue == "rate_limited")
        #expect(refusal?.httpResponse.status == 429)
        #expect(refusal?.httpResponse.headers.contains { $0.0 == "retry-after:" && $0.1 == "2" } == true)
        #expect(abuse.lookupRefusal(from: "2001:db8:1:3::10") == nil)
        #expect(abuse.lookupRefusal(from: "192.0.2.1") == nil)
    }
}
