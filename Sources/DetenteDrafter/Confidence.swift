/// How a drafter confidence is kept: clamped to [0, 1] and rounded to two decimals, the precision
/// the journal stores, so a draft replayed from the journal equals the one decided live.
enum Confidence {
    static func stored(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (min(1, max(0, value)) * 100).rounded() / 100
    }
}
