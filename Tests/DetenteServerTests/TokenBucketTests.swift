import DetenteServer
import Testing

@Suite struct TokenBucketTests {
    @Test func allowsTheBurstThenRefusesWithTheTimeUntilTheNextToken() {
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 2, now: 100)
        #expect((0..<3).map { _ in bucket.take(now: 100) } == [.allowed, .allowed, .allowed])
        #expect(bucket.take(now: 100) == .limited(retryAfter: 0.5))
        #expect(bucket.take(now: 100.25) == .limited(retryAfter: 0.25))
        #expect(bucket.take(now: 100.5) == .allowed)
    }

    @Test func refillsAtTheRateAndNeverAboveCapacity() {
        var bucket = TokenBucket(capacity: 4, refillPerSecond: 1, now: 0)
        for _ in 0..<4 { _ = bucket.take(now: 0) }
        #expect(!bucket.isFull(now: 3.9))
        #expect(bucket.isFull(now: 4))
        let allowed = (0..<10).filter { _ in bucket.take(now: 1_000) == .allowed }.count
        #expect(allowed == 4)
    }

    @Test func aClockGoingBackwardsAddsNoTokens() {
        var bucket = TokenBucket(capacity: 1, refillPerSecond: 1, now: 50)
        #expect(bucket.take(now: 50) == .allowed)
        #expect(bucket.take(now: 10) != .allowed)
        #expect(bucket.take(now: 50.5) != .allowed)
        #expect(bucket.take(now: 51) == .allowed)
    }

    @Test func sustainedRateOverAMinuteIsBurstPlusRateTimesTime() {
        var bucket = TokenBucket(capacity: 40, refillPerSecond: 20, now: 0)
        var allowed = 0
        for step in 0..<6_000 where bucket.take(now: Double(step) / 100) == .allowed { allowed += 1 }  // 100 tries/s for 60 s
        #expect(allowed == 40 + 1_199)  // the burst, then 20/s over the 59.99 s of tries
    }
}
