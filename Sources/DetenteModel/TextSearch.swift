extension StringProtocol {
    /// Byte-wise substring test. Foundation's `contains(_:)` bridges to NSString and runs a
    /// locale-aware search, which costs far more on the anonymiser's and drafter's hot paths.
    public func includes(_ needle: some StringProtocol) -> Bool {
        // `withUTF8` always yields contiguous bytes (a `String` self is not copied) and the
        // search is not generic: the generic one, with its `Array` fallback, was a quarter of
        // the drafter's time in a profile, mostly malloc and free.
        var hay = String(self)
        var pattern = String(needle)
        return hay.withUTF8 { h in pattern.withUTF8 { p in byteSearch(h, p) } }
    }
}

/// Whether `pattern` occurs in `hay`, byte for byte.
private func byteSearch(_ hay: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = pattern.first else { return true }
    guard hay.count >= pattern.count else { return false }
    let last = hay.count - pattern.count
    var i = 0
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
