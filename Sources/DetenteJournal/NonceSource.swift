import Crypto

/// Random 96-bit AES-GCM nonces (NIST SP 800-38D 8.2.2, the RBG-based construction), drawn
/// from `RandomPool` instead of two system calls per nonce (swift-crypto's `AES.GCM.Nonce()`
/// asks for 8 bytes at a time). Random rather than a per-process prefix and counter (8.2.1): a
/// key lives across restarts and nodes (PostgreSQL hand-over), and nothing would keep two
/// processes' prefixes apart; with random nonces a key may seal 2^32 boxes before the collision
/// bound is reached, and a workshop seals at most a few tens of thousands.
final class NonceSource: Sendable {
    static let shared = NonceSource()

    /// - Throws: `JournalError(.sealing)` if the kernel gives no randomness (then nothing is sealed).
    func next() throws(JournalError) -> AES.GCM.Nonce {
        guard let bytes = RandomPool.shared.bytes(12), let nonce = try? AES.GCM.Nonce(data: bytes) else {
            throw JournalError(.sealing, "no randomness for a nonce")
        }
        return nonce
    }
}
