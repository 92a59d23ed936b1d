import Crypto
import DetenteCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Author links in the journal are sealed under a per-workshop key (`<id>.key`): who wrote an
/// item, and which bot lines went to whom, are stored AES-GCM-encrypted with a fresh nonce each
/// time, so two items by the same author look unrelated on disk. `detente purge` deletes the key
/// (and the roster): the chain still verifies, but no item can be tied to a person or to the
/// author's other items any more.
public struct AuthorSeal: Sendable {
    static let prefix = "s1:"
    /// Raw key bytes (SymmetricKey itself is not Sendable); nil once purged.
    let keyBytes: [UInt8]?
    var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }

    public init(keyBytes: [UInt8]?) { self.keyBytes = keyBytes }

    public static func keyPath(_ directory: String, _ workshop: String) -> String { directory + "/" + workshop + ".key" }

    /// Loads the workshop's key, or creates and durably stores a new one.
    public static func load(directory: String, workshop: String, create: Bool) throws -> AuthorSeal {
        let path = keyPath(directory, workshop)
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return AuthorSeal(keyBytes: Array(data)) }
        guard create else { return AuthorSeal(keyBytes: nil) }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(.io, "create key \(path)", errno: errno) }
        defer { close(fd) }
        try JournalWriter.writeAll(fd, bytes)
        guard fsync(fd) == 0 else { throw JournalError(.io, "fsync key", errno: errno) }
        return AuthorSeal(keyBytes: bytes)
    }

    func seal(_ participant: ParticipantID) -> String {
        guard let key, let box = try? AES.GCM.seal(Array(participant.utf8), using: key), let combined = box.combined else { return participant }
        return Self.prefix + combined.base64EncodedString()
    }

    func unseal(_ value: String) -> String {
        guard value.hasPrefix(Self.prefix) else { return value }
        if let key, let data = Data(base64Encoded: String(value.dropFirst(Self.prefix.count))),
           let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: key) {
            return String(decoding: plain, as: UTF8.self)
        }
        // Purged: an opaque stand-in, different for every sealed value.
        let digest = SHA256.hash(data: Array(value.utf8))
        return "x_" + digest.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// The form written to disk.
    public func sealed(_ event: Event) -> Event { Self.mapAuthorLinks(event, seal) }

    /// The form the core works with.
    public func opened(_ event: Event) -> Event { Self.mapAuthorLinks(event, unseal) }

    /// The one list of fields that link a person to what they wrote: an item's author, and the
    /// recipient of a bot line (which follows the item it answers).
    static func mapAuthorLinks(_ event: Event, _ transform: (String) -> String) -> Event {
        switch event {
        case let .itemSubmitted(item, at):
            var copy = item
            copy.author = transform(item.author)
            return .itemSubmitted(copy, at: at)
        case let .botSaid(.participant(p), text): return .botSaid(.participant(transform(p)), text: text)
        default: return event
        }
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
