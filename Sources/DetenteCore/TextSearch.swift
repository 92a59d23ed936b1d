extension StringProtocol {
    /// Byte-wise substring test. Foundation's `contains(_:)` bridges to NSString and runs a
    /// locale-aware search, which costs far more on the anonymiser's hot path.
    func includes(_ needle: some StringProtocol) -> Bool {
        let hay = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return true }
        guard hay.count >= pattern.count else { return false }
        let first = pattern[0]
        var i = 0
        let last = hay.count - pattern.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < pattern.count, hay[i + k] == pattern[k] { k += 1 }
                if k == pattern.count { return true }
            }
            i += 1
        }
        return false
    }
}
