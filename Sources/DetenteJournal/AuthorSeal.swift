import Crypto
import DetenteModel
import DetenteWorkshop
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Everything personal in a journal is sealed under a per-workshop key (`<id>.key`): the fields
/// `Visibility.sealedFields` names (participant ids, original texts, replaced identifiers,
/// per-item prompt and time) are stored AES-256-GCM-encrypted with a fresh random nonce each
/// time, so two items by the same author look unrelated on disk. `detente purge` deletes the key
/// (and the roster): the chain still verifies, exports still work, and what remains names nobody.
///
/// Two formats, both read forever (`docs/STORAGE.md`):
/// - `s1:` (written until 2026-12): each sealed field replaced in place by its own box.
/// - `s2:` (written now): the sealed fields removed and carried together in one box, the member
///   `"sealed"` at the end of the event; the box authenticates the event's name as associated
///   data. One AES-GCM operation per event instead of one per field.
public struct AuthorSeal: Sendable {
    static let prefixV1 = "s1:"
    static let prefixV2 = "s2:"
    /// Raw key bytes; nil once purged.
    let keyBytes: [UInt8]?
    /// The key built once (not per field): immutable, so sharing it between threads is safe.
    let key: SymmetricKeyBox?
    public var isPurged: Bool { keyBytes == nil }

    public init(keyBytes: [UInt8]?) {
        self.keyBytes = keyBytes
        self.key = keyBytes.map { SymmetricKeyBox(SymmetricKey(data: $0)) }
    }

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

    /// The form written to disk (format `s2:`). Fails closed: without a key, or if encryption
    /// fails, nothing personal is written in clear — the entry is refused.
    public func sealed(_ event: Event) throws(JournalError) -> JSON {
        let json = event.json
        let fields = Visibility.sealedFields(of: json)
        guard !fields.isEmpty, case let .object(pairs) = json else { return json }
        guard let key else { throw JournalError(.sealing, "no key to seal personal fields (workshop purged?)") }
        var clear: [(String, JSON)] = []
        var secret: [(String, JSON)] = []
        clear.reserveCapacity(pairs.count + 1)
        for (k, v) in pairs {
            if fields.contains(where: { Self.same($0.key, k) }) { secret.append((k, v)) } else { clear.append((k, v)) }
        }
        let nonce = try NonceSource.shared.next()
        guard
            let box = try? AES.GCM.seal(
                JSON.object(secret).encodedBytes(), using: key.key, nonce: nonce, authenticating: Array(event.name.utf8)),
            let combined = box.combined
        else {
            throw JournalError(.sealing, "could not seal the personal fields of \(event.name)")
        }
        clear.append((Visibility.sealedBoxKey.description, .string(Self.prefixV2 + combined.base64EncodedString())))
        return .object(clear)
    }

    /// A field name compared without making a `String` of the static one (per member of every event).
    static func same(_ key: StaticString, _ name: String) -> Bool {
        var name = name
        return key.withUTF8Buffer { k in name.withUTF8 { $0.elementsEqual(k) } }
    }

    /// The form the core works with: sealed fields opened, or their stand-ins once purged.
    /// Members keep their order; an `s2:` box is replaced by the fields it holds.
    public func opened(_ json: JSON) -> JSON {
        guard case let .object(pairs) = json else { return json }
        let opened = openedFields(json)
        guard !opened.isEmpty else { return json }
        var out: [(String, JSON)] = []
        out.reserveCapacity(pairs.count + opened.count)
        for (k, v) in pairs {
            if k == Visibility.sealedBoxKey.description, v.stringValue?.hasPrefix(Self.prefixV2) == true {
                for (ok, ov) in opened where !pairs.contains(where: { $0.0 == ok }) { out.append((ok, ov)) }
            } else if let o = opened.first(where: { $0.0 == k }) {
                out.append((k, o.1))
            } else {
                out.append((k, v))
            }
        }
        return .object(out)
    }

    /// A stored event read in place with its sealed fields opened: replay decodes this
    /// straight into an `Event`, with no tree of the whole record.
    public func opened<Stored: JSONFieldSource>(fields stored: Stored) -> OpenedEvent<Stored> {
        OpenedEvent(stored: stored, opened: openedFields(stored))
    }

    /// The sealed members of a stored event, opened (or stand-ins when the key is gone or a box
    /// does not open). Fields that are in clear (a journal written without a key) stay as they are.
    func openedFields<Stored: JSONFieldSource>(_ stored: Stored) -> [(String, JSON)] {
        let fields = Visibility.sealedFields(of: stored)
        guard !fields.isEmpty else { return [] }
        if stored.string(Visibility.sealedBoxKey, hasPrefix: "s2:"), let box = stored.string(Visibility.sealedBoxKey) {
            return openBox(box, event: stored.string("e") ?? "", fields: fields)
        }
        var out: [(String, JSON)] = []
        for field in fields {
            guard stored.string(field.key, hasPrefix: "s1:"), let sealed = stored.string(field.key) else { continue }
            out.append((field.key.description, openV1(sealed) ?? Self.standIn(field.shredded, for: sealed)))
        }
        return out
    }

    private func openBox(_ box: String, event: String, fields: [(key: StaticString, shredded: Visibility.Shredded)]) -> [(String, JSON)] {
        if let key, let data = Data(base64Encoded: String(box.dropFirst(Self.prefixV2.count))),
            let sealedBox = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(sealedBox, using: key.key, authenticating: Array(event.utf8)),
            case let .object(pairs)? = try? JSONParser.parse(String(decoding: plain, as: UTF8.self))
        {
            return pairs
        }
        return fields.map { ($0.key.description, Self.standIn($0.shredded, for: box + ":" + $0.key.description)) }
    }

    func openV1(_ sealed: String) -> JSON? {
        guard let key, let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefixV1.count))),
            let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: key.key)
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

/// A `SymmetricKey` shared by the threads that seal (it is immutable once built).
final class SymmetricKeyBox: @unchecked Sendable {
    let key: SymmetricKey
    init(_ key: SymmetricKey) { self.key = key }
}
