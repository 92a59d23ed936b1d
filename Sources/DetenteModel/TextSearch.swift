#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

/// Whether `pattern` occurs in `hay`, byte for byte. The drafter's cues all start with a space,
/// which a first-byte scan finds at every word: this one jumps with `memchr` (vectorised in the C
/// library) to each occurrence of the pattern's second byte, usually a letter, and compares there.
func byteSearch(_ hay: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
    guard pattern.count > 1 else { return pattern.isEmpty || hay.contains(pattern[0]) }
    guard hay.count >= pattern.count, let h = hay.baseAddress, let p = pattern.baseAddress else { return false }
    let m = pattern.count
    // Candidate starts are 0...hay.count - m; the second byte of a match sits one later.
    var from = h + 1
    let end = h + (hay.count - m) + 2
    while from < end, let hit = memchr(from, Int32(p[1]), end - from) {
        let start = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - 1
        if start.pointee == p[0] && memcmp(start + 2, p + 2, m - 2) == 0 { return true }
        from = start + 2
    }
    return false
}

/// The plain scan `byteSearch` replaced, kept as the reference its test compares against.
func naiveByteSearch(_ hay: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
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
