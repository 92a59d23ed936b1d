import Crypto
import DetenteModel
import DetenteWorkshop

/// One line of a journal: `{"seq":N,"at":MS,"event":{…},"prev":"<hex>","hash":"<hex>"}`.
///
/// `hash` is SHA-256 over `prev` and the line's body (everything before `,"prev"`), so every
/// record checksums itself and chains to the one before: a flipped byte, a torn write or a
/// removed record breaks the chain at a known place.
public struct JournalRecord: Sendable {
    public let seq: Int
    public let at: Int64
    /// The event as stored: personal fields sealed (see `AuthorSeal`).
    public let storedEvent: JSON
    public let prev: String
    public let hash: String
    /// Where the record starts in its file and how long its line is (with the newline).
    public let offset: Int
    public let length: Int

    public static let genesis = String(repeating: "0", count: 64)
    static let suffixLength = #","prev":""#.utf8.count + 64 + #"","hash":""#.utf8.count + 64 + #""}"#.utf8.count

    /// Encodes a record and returns its line (with the newline) and its hash.
    public static func encode(seq: Int, at: Int64, event: JSON, prev: String) -> (line: String, hash: String) {
        encode(seq: seq, at: at, eventText: event.encoded(), prev: prev)
    }

    /// As `encode(seq:at:event:prev:)`, for an event already written as JSON text.
    public static func encode(seq: Int, at: Int64, eventText: String, prev: String) -> (line: String, hash: String) {
        var line: [UInt8] = []
        let hash = append(seq: seq, at: at, eventBytes: Array(eventText.utf8), prev: prev, to: &line)
        return (String(decoding: line, as: UTF8.self), hash)
    }

    /// Appends one record's line (with its newline) for an event encoded as JSON bytes, hashing
    /// the body where it lies in `lines`; returns the record's hash.
    public static func append(seq: Int, at: Int64, eventBytes: [UInt8], prev: String, to lines: inout [UInt8]) -> String {
        let start = lines.count
        // Room for the record, growing geometrically: an exact reserve per record would copy
        // the whole batch each time.
        let needed = start + eventBytes.count + 48 + suffixLength
        if lines.capacity < needed { lines.reserveCapacity(max(needed, 2 * lines.capacity)) }
        JSON.appendLiteral(#"{"seq":"#, to: &lines)
        JSON.writeInt(seq, into: &lines)
        JSON.appendLiteral(#","at":"#, to: &lines)
        JSON.writeInt(Int(at), into: &lines)
        JSON.appendLiteral(#","event":"#, to: &lines)
        lines.append(contentsOf: eventBytes)
        var hasher = SHA256()
        hasher.update(data: Array(prev.utf8))
        lines.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[start...])) }
        let hash = hex(hasher.finalize())
        JSON.appendLiteral(#","prev":""#, to: &lines)
        lines.append(contentsOf: prev.utf8)
        JSON.appendLiteral(#"","hash":""#, to: &lines)
        lines.append(contentsOf: hash.utf8)
        JSON.appendLiteral("\"}\n", to: &lines)
        return hash
    }

    static func digest(prev: String, body: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(prev.utf8))
        hasher.update(data: Array(body.utf8))
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest { out.append(table[Int(byte >> 4)]); out.append(table[Int(byte & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Checks that a line (without its newline) is intact on its own: every byte is either in the
    /// checksummed body or in the fixed chain suffix, which must match exactly.
    /// - Returns: the body, `prev` and `hash`.
    static func split(_ line: Substring) throws(Invalid) -> (body: String, prev: String, hash: String) {
        let utf8 = line.utf8
        guard utf8.count > suffixLength else { throw Invalid(reason: "record too short") }
        let splitAt = utf8.index(utf8.endIndex, offsetBy: -suffixLength)
        let body = String(line[..<splitAt])
        let tail = Array(line[splitAt...].utf8)
        let prev = String(decoding: tail[9..<73], as: UTF8.self)
        let hash = String(decoding: tail[83..<147], as: UTF8.self)
        guard Array(tail[0..<9]) == Array(#","prev":""#.utf8), Array(tail[73..<83]) == Array(#"","hash":""#.utf8),
            Array(tail[147...]) == Array(#""}"#.utf8), isHex(prev), isHex(hash)
        else {
            throw Invalid(reason: "record has no intact chain fields")
        }
        guard digest(prev: prev, body: body) == hash else { throw Invalid(reason: "checksum mismatch") }
        return (body, prev, hash)
    }

    static func isHex(_ s: String) -> Bool { s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } }

    /// Parses and checks one line (without its newline) against the expected previous hash.
    public static func decode(line: Substring, expectedPrev: String, expectedSeq: Int, offset: Int = 0) throws(Invalid) -> JournalRecord {
        let (body, prev, hash) = try split(line)
        guard prev == expectedPrev else { throw Invalid(reason: "chain broken: prev does not match the previous record's hash") }
        return try parse(body: body, prev: prev, hash: hash, expectedSeq: expectedSeq, offset: offset, length: line.utf8.count + 1)
    }

    static func parse(body: String, prev: String, hash: String, expectedSeq: Int?, offset: Int, length: Int) throws(Invalid) -> JournalRecord {
        let json: JSON
        do { json = try JSONParser.parse(body + "}") } catch { throw Invalid(reason: "unparsable body: \(error.reason)") }
        guard let seq = json["seq"]?.intValue, let at = json["at"]?.intValue, let e = json["event"], e["e"]?.stringValue != nil else {
            throw Invalid(reason: "missing seq, at or event")
        }
        if let expectedSeq, seq != expectedSeq { throw Invalid(reason: "sequence \(seq) where \(expectedSeq) was expected") }
        return JournalRecord(seq: seq, at: Int64(at), storedEvent: e, prev: prev, hash: hash, offset: offset, length: length)
    }

    /// A record that checks out on its own (checksum and shape), whatever comes before it: what
    /// salvage keeps after a corrupt record in the middle.
    public static func decodeStandalone(line: Substring, offset: Int) throws(Invalid) -> JournalRecord {
        let (body, prev, hash) = try split(line)
        return try parse(body: body, prev: prev, hash: hash, expectedSeq: nil, offset: offset, length: line.utf8.count + 1)
    }
}
