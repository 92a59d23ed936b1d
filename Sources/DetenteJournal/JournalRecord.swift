import Crypto
import DetenteCore

/// One line of a journal: `{"seq":N,"at":MS,"event":{…},"prev":"<hex>","hash":"<hex>"}`.
///
/// `hash` is SHA-256 over `prev` and the line's body (everything before `,"prev"`), so every
/// record checksums itself and chains to the one before: a flipped byte, a torn write or a
/// removed record breaks the chain at a known place.
public struct JournalRecord: Sendable {
    public let seq: Int
    public let at: Int64
    public let event: Event
    public let prev: String
    public let hash: String

    public static let genesis = String(repeating: "0", count: 64)
    static let suffixLength = #","prev":""#.utf8.count + 64 + #"","hash":""#.utf8.count + 64 + #""}"#.utf8.count

    /// Encodes a record and returns its line (with the newline) and its hash.
    public static func encode(seq: Int, at: Int64, event: Event, prev: String) -> (line: String, hash: String) {
        var body = #"{"seq":"# + String(seq) + #","at":"# + String(at) + #","event":"#
        event.json.write(into: &body)
        let hash = digest(prev: prev, body: body)
        return (body + #","prev":""# + prev + #"","hash":""# + hash + "\"}\n", hash)
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

    /// Parses and checks one line (without its newline) against the expected previous hash.
    public static func decode(line: Substring, expectedPrev: String, expectedSeq: Int) throws(Invalid) -> JournalRecord {
        let utf8 = line.utf8
        guard utf8.count > suffixLength else { throw Invalid(reason: "record too short") }
        let split = utf8.index(utf8.endIndex, offsetBy: -suffixLength)
        let body = String(line[..<split])
        let tail = String(line[split...])
        guard tail.hasPrefix(#","prev":""#), tail.hasSuffix("\"}") else { throw Invalid(reason: "record has no chain fields") }
        let prev = String(tail.dropFirst(9).prefix(64))
        let hash = String(tail.dropLast(2).suffix(64))
        guard prev == expectedPrev else { throw Invalid(reason: "chain broken: prev does not match the previous record's hash") }
        guard digest(prev: prev, body: body) == hash else { throw Invalid(reason: "checksum mismatch") }
        let json: JSON
        do { json = try JSONParser.parse(body + "}") } catch { throw Invalid(reason: "unparsable body: \(error.reason)") }
        guard let seq = json["seq"]?.intValue, let at = json["at"]?.intValue, let e = json["event"] else { throw Invalid(reason: "missing seq, at or event") }
        guard seq == expectedSeq else { throw Invalid(reason: "sequence \(seq) where \(expectedSeq) was expected") }
        let event: Event
        do { event = try Event(json: e) } catch { throw Invalid(reason: "unknown event: \(error.description)") }
        return JournalRecord(seq: seq, at: Int64(at), event: event, prev: prev, hash: hash)
    }
}
