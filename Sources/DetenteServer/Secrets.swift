import Crypto
import DetenteJournal

/// Tokens and codes. Tokens carry 192 random bits from the system's CSPRNG; the server keeps
/// only their SHA-256 and compares hashes in constant time. Tokens are never logged.
public enum Secrets {
    public static func token() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = rng.next() }
        return base64url(bytes)
    }

    /// A short id with `bits` of randomness, hex encoded (ids need not be secret, only unguessable and unordered).
    static func id(bits: Int = 64) -> String {
        var s = ""
        for _ in 0..<(bits / 64) { s += String(RandomPool.shared.uint64(), radix: 16).leftPad(16) }
        return s
    }

    /// Join codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    static func joinCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<6).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }

    public static func hash(_ token: String) -> String {
        let digest = SHA256.hash(data: Array(token.utf8))
        return digest.map { String($0, radix: 16).leftPad(2) }.joined()
    }

    /// Compares two equal-length strings without an early exit, so timing tells nothing.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var out = ""
        var i = 0
        while i + 2 < bytes.count {
            let n = (UInt32(bytes[i]) << 16) | (UInt32(bytes[i + 1]) << 8) | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(table[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        return out
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
