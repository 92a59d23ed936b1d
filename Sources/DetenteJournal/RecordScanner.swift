import Crypto
import DetenteModel
import DetenteWorkshop

/// Checks and parses journal lines straight from the file's bytes: no `String` per line, the
/// hash computed over slices of the buffer, only the event object parsed as JSON. This is the
/// start-up path (`JournalRecord.decode` does the same on a `Substring`, for tests and tools).
enum RecordScanner {
    static let prevMarker = Array(#","prev":""#.utf8)
    static let hashMarker = Array(#"","hash":""#.utf8)
    static let closing = Array(#""}"#.utf8)
    static let head = Array(#"{"seq":"#.utf8)
    static let atKey = Array(#","at":"#.utf8)
    static let eventKey = Array(#","event":"#.utf8)
    static let hexDigits = Array("0123456789abcdef".utf8)

    struct Checked {
        let bodyEnd: Int
        let prev: UnsafeBufferPointer<UInt8>
        let hash: UnsafeBufferPointer<UInt8>
    }

    /// The fixed suffix, matched byte for byte, and the checksum over `prev` ‖ body.
    static func check(_ line: UnsafeBufferPointer<UInt8>) throws(JournalRecord.Invalid) -> Checked {
        let n = line.count
        guard n > JournalRecord.suffixLength else { throw JournalRecord.Invalid(reason: "record too short") }
        let s = n - JournalRecord.suffixLength
        guard matches(line, s, prevMarker), matches(line, s + 73, hashMarker), matches(line, s + 147, closing) else {
            throw JournalRecord.Invalid(reason: "record has no intact chain fields")
        }
        let prev = UnsafeBufferPointer(rebasing: line[(s + 9)..<(s + 73)])
        let hash = UnsafeBufferPointer(rebasing: line[(s + 83)..<(s + 147)])
        guard prev.allSatisfy(isHex), hash.allSatisfy(isHex) else { throw JournalRecord.Invalid(reason: "record has no intact chain fields") }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(prev))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[0..<s]))
        var i = 0
        var same = true
        for byte in hasher.finalize() {
            same = same && hash[i] == hexDigit(byte >> 4) && hash[i + 1] == hexDigit(byte & 0x0F)
            i += 2
        }
        guard same else { throw JournalRecord.Invalid(reason: "checksum mismatch") }
        return Checked(bodyEnd: s, prev: prev, hash: hash)
    }

    /// Reads the body's head `{"seq":N,"at":N,"event":` and returns the numbers and where the
    /// event's JSON lies in the line.
    static func header(_ line: UnsafeBufferPointer<UInt8>, bodyEnd: Int, expectedSeq: Int?) throws(JournalRecord.Invalid) -> (seq: Int, at: Int64, event: Range<Int>) {
        guard matches(line, 0, head) else { throw JournalRecord.Invalid(reason: "missing seq, at or event") }
        var i = head.count
        guard let seq = integer(line, &i), matches(line, i, atKey) else { throw JournalRecord.Invalid(reason: "missing seq, at or event") }
        i += atKey.count
        guard let at = integer(line, &i), matches(line, i, eventKey) else { throw JournalRecord.Invalid(reason: "missing seq, at or event") }
        i += eventKey.count
        if let expectedSeq, seq != expectedSeq { throw JournalRecord.Invalid(reason: "sequence \(seq) where \(expectedSeq) was expected") }
        return (seq, Int64(at), i..<bodyEnd)
    }

    /// Reads a checked line's event in place (replay's path: no tree of the record).
    static func view(_ line: UnsafeBufferPointer<UInt8>, _ event: Range<Int>, into view: inout JSONObjectView) throws(JournalRecord.Invalid) {
        do { try view.load(UnsafeBufferPointer(rebasing: line[event])) } catch {
            // Valid JSON that is not an object is reported as the tree reader reports it.
            let notAnObject = error.reason == "expected an object" && (try? JSONParser.parse(bytes: UnsafeBufferPointer(rebasing: line[event]))) != nil
            throw JournalRecord.Invalid(reason: notAnObject ? "missing seq, at or event" : "unparsable event: \(error.reason)")
        }
        guard view.string("e") != nil else { throw JournalRecord.Invalid(reason: "missing seq, at or event") }
    }

    /// Parses `{"seq":N,"at":N,"event":{…}` (the body) into a record.
    static func record(_ line: UnsafeBufferPointer<UInt8>, _ checked: Checked, expectedSeq: Int?, offset: Int) throws(JournalRecord.Invalid) -> JournalRecord {
        let (seq, at, range) = try header(line, bodyEnd: checked.bodyEnd, expectedSeq: expectedSeq)
        let event: JSON
        do { event = try JSONParser.parse(bytes: UnsafeBufferPointer(rebasing: line[range])) } catch {
            throw JournalRecord.Invalid(reason: "unparsable event: \(error.reason)")
        }
        guard event["e"]?.stringValue != nil else { throw JournalRecord.Invalid(reason: "missing seq, at or event") }
        return JournalRecord(
            seq: seq, at: at, storedEvent: event, prev: String(decoding: checked.prev, as: UTF8.self),
            hash: String(decoding: checked.hash, as: UTF8.self), offset: offset, length: line.count + 1)
    }

    /// Lower-case hex of a nibble, computed (a table would be a global array looked up per byte).
    @inline(__always) static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 48 + nibble : 87 + nibble }

    static func isHex(_ b: UInt8) -> Bool { (48...57).contains(b) || (97...102).contains(b) }

    static func matches(_ line: UnsafeBufferPointer<UInt8>, _ at: Int, _ pattern: [UInt8]) -> Bool {
        guard at >= 0, at + pattern.count <= line.count else { return false }
        for (k, b) in pattern.enumerated() where line[at + k] != b { return false }
        return true
    }

    static func integer(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
        let start = i
        var value = 0
        while i < line.count, (48...57).contains(line[i]), i - start < 18 { value = value * 10 + Int(line[i] - 48); i += 1 }
        return i > start ? value : nil
    }

    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
    }
}
