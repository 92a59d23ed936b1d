import DetenteModel
import DetenteWorkshop
import Foundation

/// Replay at disk speed, in three stages: one thread checks the chain (line ends, SHA-256,
/// links), a second reads each checked record's event in place (`JSONObjectView`), opens its
/// sealed fields and decodes it, and the caller's thread folds the events. No tree and no `String`
/// per record; memory stays flat (at most `BatchHandOff.maxAhead` batches wait).
extension JournalReader {
    /// What a replay found: the chain's verdict (as `stream`) and, if a record's event did not
    /// decode or the fold refused it, why (replay stopped there).
    public struct Replayed: Sendable {
        public var contents: Contents
        public var invalid: String?
    }

    /// The shortest record an item can have (an `item_submitted` with one-letter departments,
    /// empty texts and no replacements, in clear): `bytes / this` bounds a journal's items.
    public static let shortestItemRecordBytes = 330

    /// At most how many items a journal of `bytes` holds: what to reserve before folding it.
    public static func itemCapacity(forJournalBytes bytes: Int) -> Int { bytes / shortestItemRecordBytes }

    /// Journals smaller than this are read on the caller's thread (a thread costs more).
    static let pipelineThreshold = 1 << 20

    /// Checks every record, decodes its event with its sealed fields opened, and hands it to
    /// `fold` in order. Stops at the first bad record (reported in `contents`, as `stream` does)
    /// or at the first event that does not decode or that `fold` throws for (`invalid`).
    public static func replay(data: Data, seal: AuthorSeal, _ fold: (_ seq: Int, _ event: Event) throws -> Void) -> Replayed {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let shared = SharedBytes(bytes: raw.bindMemory(to: UInt8.self))
            // Run one stage after another (small journals), nothing waits for a consumer.
            let pipelined = raw.count >= pipelineThreshold
            let chain = CheckedLines(shared, bounded: pipelined)
            let batches = DecodedBatches(shared, chain: chain, seal: seal, bounded: pipelined)
            if pipelined {
                let checker = Thread { chain.check() }
                checker.name = "detente-journal-check"
                let reader = Thread { batches.produce() }
                reader.name = "detente-journal-read"
                checker.start()
                reader.start()
                defer {
                    batches.waitUntilProduced()
                    chain.waitUntilFinished()
                }
                return consume(batches, fold)
            }
            chain.check()
            batches.produce()
            return consume(batches, fold)
        }
    }

    private static func consume(_ batches: DecodedBatches, _ fold: (Int, Event) throws -> Void) -> Replayed {
        while let batch = batches.next() {
            for (seq, event) in batch {
                do { try fold(seq, event) } catch {
                    batches.cancel()
                    return Replayed(contents: batches.outcome().contents, invalid: "\(error)")
                }
            }
        }
        return batches.outcome()
    }
}

/// A buffer both replay threads read while `replay` keeps it alive (it waits for the reader).
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}

/// The reading thread's output: batches of decoded events, then the verdict.
final class DecodedBatches: @unchecked Sendable {
    static let batchSize = 256

    private let shared: SharedBytes
    private let chain: CheckedLines
    private let seal: AuthorSeal
    private let handOff: BatchHandOff<(Int, Event)>
    private var verdict: JournalReader.Replayed?

    init(_ shared: SharedBytes, chain: CheckedLines, seal: AuthorSeal, bounded: Bool) {
        self.shared = shared
        self.chain = chain
        self.seal = seal
        handOff = BatchHandOff(bounded: bounded)
    }

    /// Reads the whole journal (or until cancelled), publishing batches as it goes.
    func produce() {
        let result = read()
        handOff.finish { verdict = result }
    }

    /// One checked record after another: head, event in place, sealed fields, decode.
    private func read() -> JournalReader.Replayed {
        let result = decodeLines()
        chain.cancel()
        return result
    }

    private func decodeLines() -> JournalReader.Replayed {
        let bytes = shared.bytes
        var reader = RecordReader(bytes: bytes)
        var view = JSONObjectView()
        var batch: [(Int, Event)] = []
        batch.reserveCapacity(Self.batchSize)
        while let lines = chain.next() {
            for checked in lines {
                do {
                    let (seq, eventRange) = try reader.next(checked)
                    try RecordScanner.view(reader.line, eventRange, into: &view)
                    do { batch.append((seq, try Event(fields: seal.opened(fields: view)))) } catch {
                        publish(batch, last: true)
                        return JournalReader.Replayed(contents: reader.contents(), invalid: "record \(seq) does not decode: \(error)")
                    }
                    reader.accept()
                } catch {
                    publish(batch, last: true)
                    return JournalReader.Replayed(contents: reader.failed(error), invalid: nil)
                }
                if batch.count == Self.batchSize {
                    guard publish(batch, last: false) else { return JournalReader.Replayed(contents: reader.contents(), invalid: nil) }
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        publish(batch, last: true)
        var contents = reader.contents()
        (contents.problem, contents.salvageable) = chain.verdict()
        return JournalReader.Replayed(contents: contents, invalid: nil)
    }

    @discardableResult
    private func publish(_ batch: [(Int, Event)], last: Bool) -> Bool { handOff.publish(batch, last: last) }

    /// The next batch in order, or nil when the reader is done and everything was taken.
    func next() -> [(Int, Event)]? { handOff.next() }

    /// The fold stopped: the reader stops too.
    func cancel() { handOff.cancel() }

    func waitUntilProduced() { handOff.waitUntilFinished() }

    /// The reader's verdict (waits for it).
    func outcome() -> JournalReader.Replayed {
        waitUntilProduced()
        return handOff.withLock { verdict! }
    }
}

/// Follows the checked lines, reading each one's head (the sequence must count up).
struct RecordReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var line = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var current = CheckedLines.Line(start: 0, end: 0, bodyEnd: 0)
    private var count = 0
    private var prev = Array(JournalRecord.genesis.utf8)
    private var goodLength = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads a checked line's head; returns its sequence number and where its event lies.
    mutating func next(_ checked: CheckedLines.Line) throws(JournalRecord.Invalid) -> (seq: Int, event: Range<Int>) {
        current = checked
        line = UnsafeBufferPointer(rebasing: bytes[checked.start..<checked.end])
        let (seq, _, event) = try RecordScanner.header(line, bodyEnd: checked.bodyEnd, expectedSeq: count + 1)
        return (seq, event)
    }

    /// The line read by `next` was good: the chain moves on past it.
    mutating func accept() {
        count += 1
        prev = Array(line[(line.count - 66)..<(line.count - 2)])
        goodLength = current.end + 1
    }

    func contents() -> JournalReader.Contents {
        JournalReader.Contents(
            records: [], goodLength: goodLength, totalLength: bytes.count, problem: nil, streamedCount: count,
            streamedLastHash: String(decoding: prev, as: UTF8.self))
    }

    /// The verdict when the current line's checksum held but it is not a record: the chain stops
    /// before it; the records after it that stand on their own.
    func failed(_ error: JournalRecord.Invalid) -> JournalReader.Contents {
        var c = contents()
        c.problem = "record \(count + 1) at byte \(current.start): \(error.reason)"
        c.salvageable = JournalReader.standaloneChain(bytes, from: current.end + 1)
        return c
    }
}

/// The chain checker's output: batches of lines whose suffix, checksum and link held.
final class CheckedLines: @unchecked Sendable {
    struct Line {
        let start: Int
        /// The newline's offset.
        let end: Int
        let bodyEnd: Int
    }

    static let batchSize = 512

    private let shared: SharedBytes
    private let handOff: BatchHandOff<Line>
    private var problem: String?
    private var salvageable: [JournalRecord] = []

    init(_ shared: SharedBytes, bounded: Bool) {
        self.shared = shared
        handOff = BatchHandOff(bounded: bounded)
    }

    /// Checks every line until a bad one (or until cancelled), publishing batches as it goes.
    func check() {
        let (problem, salvageable) = checkLines()
        handOff.finish { (self.problem, self.salvageable) = (problem, salvageable) }
    }

    private func checkLines() -> (String?, [JournalRecord]) {
        let bytes = shared.bytes
        var prev = Array(JournalRecord.genesis.utf8)
        var start = 0
        var count = 0
        var batch: [Line] = []
        batch.reserveCapacity(Self.batchSize)
        while start < bytes.count {
            guard let nl = JournalReader.nextLineEnd(bytes, from: start) else {
                publish(batch, last: true)
                return ("record \(count + 1) at byte \(start): torn (no line end)", [])
            }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<nl])
            do {
                let checked = try RecordScanner.check(line)
                guard RecordScanner.equal(checked.prev, prev) else {
                    throw JournalRecord.Invalid(reason: "chain broken: prev does not match the previous record's hash")
                }
                prev = Array(checked.hash)
                batch.append(Line(start: start, end: nl, bodyEnd: checked.bodyEnd))
            } catch {
                publish(batch, last: true)
                let reason = (error as? JournalRecord.Invalid)?.reason ?? "\(error)"
                return ("record \(count + 1) at byte \(start): \(reason)", JournalReader.standaloneChain(bytes, from: nl + 1))
            }
            count += 1
            start = nl + 1
            if batch.count == Self.batchSize {
                guard publish(batch, last: false) else { return (nil, []) }
                batch.removeAll(keepingCapacity: true)
            }
        }
        publish(batch, last: true)
        return (nil, [])
    }

    @discardableResult
    private func publish(_ batch: [Line], last: Bool) -> Bool { handOff.publish(batch, last: last) }

    /// The next batch in order, or nil once the checker is done and everything was taken.
    func next() -> [Line]? { handOff.next() }

    func cancel() { handOff.cancel() }

    func waitUntilFinished() { handOff.waitUntilFinished() }

    /// Why checking stopped, if it stopped at a bad line (call once every batch was taken).
    func verdict() -> (String?, [JournalRecord]) {
        waitUntilFinished()
        return handOff.withLock { (problem, salvageable) }
    }
}
