import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes from the kernel's CSPRNG (`/dev/urandom`, which Linux serves from the same generator
/// as `getrandom(2)`), read 4 KiB at a time instead of one system call per 8 bytes as
/// `SystemRandomNumberGenerator` does: nonces, ids and seeds are drawn per command. Every byte
/// is handed out once and zeroed as it is, so a later memory dump shows nothing handed out.
public final class RandomPool: @unchecked Sendable {
    public static let shared = RandomPool()
    static let bufferSize = 4096

    private let lock = NSLock()
    private var buffer = [UInt8](repeating: 0, count: RandomPool.bufferSize)
    private var used = RandomPool.bufferSize

    /// `count` (≤ 4,096) random bytes, or nil if the kernel gives no randomness.
    public func bytes(_ count: Int) -> [UInt8]? {
        precondition(count <= Self.bufferSize)
        return lock.withLock {
            if used + count > buffer.count {
                guard Self.fill(&buffer) else { return nil }
                used = 0
            }
            defer {
                for i in used..<(used + count) { buffer[i] = 0 }
                used += count
            }
            return Array(buffer[used..<(used + count)])
        }
    }

    /// A random 64-bit value; falls back to the system generator (which traps if the kernel has
    /// none) rather than ever returning something predictable.
    public func uint64() -> UInt64 {
        guard let b = bytes(8) else {
            var rng = SystemRandomNumberGenerator()
            return rng.next()
        }
        return b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
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
