import DetenteModel
import Foundation

/// What a server must know of a workshop it has not loaded, to route its clients to it: the join
/// code, the facilitator's token hash and every participant's token hash — all stored in clear
/// (`created` and `joined` records). Reading it opens no sealed field, checks no chain and
/// folds no event: a server starts with ended workshops *dormant* and replays one in full
/// (`openForServing`) the first time someone asks for it.
public struct RoutingIndex: Sendable, Equatable {
    public let workshop: String
    public let joinCode: String
    public let facilitatorTokenHash: String
    public let participantTokenHashes: [String]

    static let createdKind = Array(#","event":{"e":"created""#.utf8)
    static let joinedKind = Array(#","event":{"e":"joined""#.utf8)
    static let endedKind = Array(#","event":{"e":"ended"}"#.utf8)

    /// The index of an ended workshop, or nil when the journal is not ended or not plainly
    /// intact at its end (then the server loads it at start-up as before, repairing what it must).
    public static func ofEndedJournal(_ workshop: String, bytes: Data) -> RoutingIndex? {
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> RoutingIndex? in
            scan(raw.bindMemory(to: UInt8.self), workshop: workshop)
        }
    }

    private static func scan(_ all: UnsafeBufferPointer<UInt8>, workshop: String) -> RoutingIndex? {
        guard all.last == 0x0A else { return nil }
        var code: String?
        var fth: String?
        var tokens: [String] = []
        var ended = false
        var start = 0
        var event = JSONObjectView()
        while start < all.count {
            guard let nl = JournalReader.nextLineEnd(all, from: start) else { break }
            let line = UnsafeBufferPointer(rebasing: all[start..<nl])
            start = nl + 1
            ended = false
            guard let kindAt = eventKindOffset(line) else { return nil }
            if RecordScanner.matches(line, kindAt, endedKind) {
                ended = true
            } else if RecordScanner.matches(line, kindAt, createdKind) || RecordScanner.matches(line, kindAt, joinedKind) {
                let eventBytes = UnsafeBufferPointer(rebasing: line[(kindAt + 9)..<(line.count - JournalRecord.suffixLength)])
                guard (try? event.load(eventBytes)) != nil else { return nil }
                if let c = event.string("code"), let f = event.string("fth") {
                    code = c
                    fth = f
                }
                if event.string("e") == "joined", let th = event.string("th") { tokens.append(th) }
            }
        }
        guard ended, let code, let fth else { return nil }
        return RoutingIndex(workshop: workshop, joinCode: code, facilitatorTokenHash: fth, participantTokenHashes: tokens)
    }

    /// Where `,"event":{"e":"…"` starts in `{"seq":N,"at":N,"event":{…},"prev":…`.
    private static func eventKindOffset(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard line.count > JournalRecord.suffixLength, RecordScanner.matches(line, 0, RecordScanner.head) else { return nil }
        var i = RecordScanner.head.count
        guard RecordScanner.integer(line, &i) != nil, RecordScanner.matches(line, i, RecordScanner.atKey) else { return nil }
        i += RecordScanner.atKey.count
        guard RecordScanner.integer(line, &i) != nil else { return nil }
        return i
    }
}
