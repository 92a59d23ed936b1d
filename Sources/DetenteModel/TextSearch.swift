extension StringProtocol {
    /// Byte-wise substring test. Foundation's `contains(_:)` bridges to NSString and runs a
    /// locale-aware search, which costs far more on the anonymiser's and drafter's hot paths.
    public func includes(_ needle: some StringProtocol) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { hay in
            needle.utf8.withContiguousStorageIfAvailable { pattern in Self.search(hay, pattern) }
        }
        return (found ?? nil) ?? Self.search(Array(utf8)[...], Array(needle.utf8)[...])
    }

    private static func search<C: RandomAccessCollection>(_ hay: C, _ pattern: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard let first = pattern.first else { return true }
        guard hay.count >= pattern.count else { return false }
        var i = hay.startIndex
        let last = hay.endIndex - pattern.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < pattern.count, hay[i + k] == pattern[pattern.startIndex + k] { k += 1 }
                if k == pattern.count { return true }
            }
            i += 1
        }
        return false
    }
}
