import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Random 96-bit AES-GCM nonces (NIST SP 800-38D 8.2.2, the RBG-based construction), drawn
/// from a buffer that one read of the kernel's CSPRNG (`/dev/urandom`, which Linux serves from
/// the same generator as `getrandom(2)`) fills 4 KiB at a time, instead of two system calls per
/// nonce (swift-crypto's `AES.GCM.Nonce()` asks for 8 bytes at a time). Random rather than a per-process prefix and counter (8.2.1): a key lives across
/// restarts and nodes (PostgreSQL hand-over), and nothing would keep two processes' prefixes
/// apart; with random nonces a key may seal 2^32 boxes before the collision bound is reached,
/// and a workshop seals at most a few tens of thousands. Every byte is handed out once.
final class NonceSource: @unchecked Sendable {
    static let shared = NonceSource()
    static let bufferSize = 4096

    private let lock = NSLock()
    private var buffer = [UInt8](repeating: 0, count: NonceSource.bufferSize)
    private var used = NonceSource.bufferSize

    /// - Throws: `JournalError(.sealing)` if the kernel gives no randomness (then nothing is sealed).
    func next() throws(JournalError) -> AES.GCM.Nonce {
        let bytes: [UInt8]? = lock.withLock {
            if used + 12 > buffer.count {
                guard Self.fill(&buffer) else { return nil }
                used = 0
            }
            defer {
                // Forget what was handed out: a later memory dump shows no past nonce.
                for i in used..<(used + 12) { buffer[i] = 0 }
                used += 12
            }
            return Array(buffer[used..<(used + 12)])
        }
        guard let bytes, let nonce = try? AES.GCM.Nonce(data: bytes) else {
            throw JournalError(.sealing, "no randomness for a nonce")
        }
        return nonce
    }

    private static func fill(_ buffer: inout [UInt8]) -> Bool {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return buffer.withUnsafeMutableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = read(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
    }
}
