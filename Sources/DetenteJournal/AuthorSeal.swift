import Crypto
import DetenteModel
import DetenteWorkshop
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Everything personal in a journal is sealed under a per-workshop key (`<id>.key`): the fields
/// `Visibility.sealedFields` names (participant ids, original texts, replaced identifiers,
/// per-item prompt and time) are stored AES-GCM-encrypted with a fresh nonce each time, so two
/// items by the same author look unrelated on disk. `detente purge` deletes the key (and the
/// roster): the chain still verifies, exports still work, and what remains names nobody.
public struct AuthorSeal: Sendable {
    static let prefix = "s1:"
    /// Raw key bytes (SymmetricKey itself is not Sendable); nil once purged.
    let keyBytes: [UInt8]?
    var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }
    public var isPurged: Bool { keyBytes == nil }

    public init(keyBytes: [UInt8]?) { self.keyBytes = keyBytes }

    public static func keyPath(_ directory: String, _ workshop: String) -> String { directory + "/" + workshop + ".key" }

    /// Loads the workshop's key, or creates and durably stores a new one.
    public static func load(directory: String, workshop: String, create: Bool) throws(JournalError) -> AuthorSeal {
        let path = keyPath(directory, workshop)
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return AuthorSeal(keyBytes: Array(data)) }
        guard create else { return AuthorSeal(keyBytes: nil) }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(.io, "create key \(path)", errno: errno) }
        defer { close(fd) }
        try PosixJournalFiles().writeAll(fd, bytes[...])
        guard fsync(fd) == 0 else { throw JournalError(.io, "fsync key", errno: errno) }
        return AuthorSeal(keyBytes: bytes)
    }

    /// The form written to disk. Fails closed: without a key, or if encryption fails, nothing
    /// personal is written in clear — the entry is refused.
    public func sealed(_ event: Event) throws(JournalError) -> JSON {
        let json = event.json
        let fields = Visibility.sealedFields(of: json)
        guard !fields.isEmpty else { return json }
        guard let key else { throw JournalError(.sealing, "no key to seal personal fields (workshop purged?)") }
        guard case let .object(pairs) = json else { return json }
        var out: [(String, JSON)] = []
        out.reserveCapacity(pairs.count)
        for (k, v) in pairs {
            guard fields.contains(where: { $0.key == k }) else { out.append((k, v)); continue }
            guard let box = try? AES.GCM.seal(Array(v.encoded().utf8), using: key), let combined = box.combined else {
                throw JournalError(.sealing, "could not seal field \(k)")
            }
            out.append((k, .string(Self.prefix + combined.base64EncodedString())))
        }
        return .object(out)
    }

    /// The form the core works with: sealed fields opened, or their stand-ins once purged.
    public func opened(_ json: JSON) -> JSON {
        guard case let .object(pairs) = json else { return json }
        let fields = Visibility.sealedFields(of: json)
        guard !fields.isEmpty else { return json }
        return .object(
            pairs.map { k, v in
                guard let field = fields.first(where: { $0.key == k }), let sealed = v.stringValue, sealed.hasPrefix(Self.prefix) else { return (k, v) }
                return (k, open(sealed) ?? Self.standIn(field.shredded, for: sealed))
            })
    }

    func open(_ sealed: String) -> JSON? {
        guard let key, let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))),
            let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: key)
        else { return nil }
        return try? JSONParser.parse(String(decoding: plain, as: UTF8.self))
    }

    /// Purged: an opaque stand-in; participant stand-ins differ for every sealed occurrence, so
    /// nothing links two of them.
    static func standIn(_ shredded: Visibility.Shredded, for sealed: String) -> JSON {
        let digest = SHA256.hash(data: Array(sealed.utf8))
        let id =
            "x_"
            + digest.prefix(8).map { byte in
                let s = String(byte, radix: 16)
                return s.count == 1 ? "0" + s : s
            }.joined()
        switch shredded {
        case .participant: return .string(id)
        case .participantAudience: return ["kind": "participant", "participant": .string(id)]
        case .text: return .string("")
        case .emptyList: return .array([])
        case .unknown: return .null
        case .zero: return .int(0)
        }
    }
}
