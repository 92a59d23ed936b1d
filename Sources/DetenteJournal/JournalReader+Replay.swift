import DetenteModel
import DetenteWorkshop
import Foundation

/// Replay at disk speed: a second thread checks the chain (line ends, SHA-256, links) and reads
/// each checked record's event in place (`JSONObjectView`), opens its sealed fields and decodes
/// it, while the caller's thread folds the events of the batch before. No tree and no `String`
/// per record; memory stays flat (at most `DecodedBatches.maxAhead` batches wait).
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
            let batches = DecodedBatches(SharedBytes(bytes: raw.bindMemory(to: UInt8.self)), seal: seal)
            if raw.count >= pipelineThreshold {
                let reader = Thread { batches.produce() }
                reader.name = "detente-journal-read"
                reader.start()
                defer { batches.waitUntilProduced() }
                return consume(batches, fold)
            }
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
    /// Batches decoded ahead of the fold at most: memory stays bounded on any journal.
    static let maxAhead = 32

    private let shared: SharedBytes
    private let seal: AuthorSeal
    private let condition = NSCondition()
    private var batches: [[(Int, Event)]] = []
    private var produced = false
    private var cancelled = false
    private var verdict: JournalReader.Replayed?

    init(_ shared: SharedBytes, seal: AuthorSeal) {
        self.shared = shared
        self.seal = seal
    }

    /// Reads the whole journal (or until cancelled), publishing batches as it goes.
    func produce() {
        let result = read()
        condition.lock()
        verdict = result
        produced = true
        condition.broadcast()
        condition.unlock()
    }

    /// One record after another: chain check, head, event in place, sealed fields, decode.
    private func read() -> JournalReader.Replayed {
        let bytes = shared.bytes
        var reader = RecordReader(bytes: bytes)
        var view = JSONObjectView()
        var batch: [(Int, Event)] = []
        batch.reserveCapacity(Self.batchSize)
        while reader.start < bytes.count {
            do {
                let (seq, eventRange) = try reader.next()
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
        publish(batch, last: true)
        return JournalReader.Replayed(contents: reader.contents(), invalid: nil)
    }

    /// Hands a batch over, waiting while the fold is far behind. False once cancelled.
    @discardableResult
    private func publish(_ batch: [(Int, Event)], last: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.maxAhead && !cancelled && !last { condition.wait() }
        guard !cancelled else { return false }
        if !batch.isEmpty { batches.append(batch) }
        condition.broadcast()
        return true
    }

    /// The next batch in order, or nil when the reader is done and everything was taken.
    func next() -> [(Int, Event)]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !produced { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The fold stopped: the reader stops too.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilProduced() {
        condition.lock()
        while !produced { condition.wait() }
        condition.unlock()
    }

    /// The reader's verdict (waits for it).
    func outcome() -> JournalReader.Replayed {
        waitUntilProduced()
        return condition.withLock { verdict! }
    }
}

/// Walks a journal's lines, checking each (suffix, checksum, link, sequence) as `stream` does.
struct RecordReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var start = 0
    private(set) var line = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var lineEnd = 0
    private var count = 0
    private var prev = Array(JournalRecord.genesis.utf8)
    private var goodLength = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Checks the line at `start`; returns its sequence number and where its event lies.
    mutating func next() throws(JournalRecord.Invalid) -> (seq: Int, event: Range<Int>) {
        guard let nl = JournalReader.nextLineEnd(bytes, from: start) else { throw JournalRecord.Invalid(reason: "torn (no line end)") }
        lineEnd = nl
        line = UnsafeBufferPointer(rebasing: bytes[start..<nl])
        let checked = try RecordScanner.check(line)
        guard RecordScanner.equal(checked.prev, prev) else {
            throw JournalRecord.Invalid(reason: "chain broken: prev does not match the previous record's hash")
        }
        let (seq, _, event) = try RecordScanner.header(line, bodyEnd: checked.bodyEnd, expectedSeq: count + 1)
        return (seq, event)
    }

    /// The line read by `next` was good: the chain moves on past it.
    mutating func accept() {
        count += 1
        prev = Array(line[(line.count - 66)..<(line.count - 2)])
        start = lineEnd + 1
        goodLength = start
    }

    func contents() -> JournalReader.Contents {
        JournalReader.Contents(
            records: [], goodLength: goodLength, totalLength: bytes.count, problem: nil, streamedCount: count,
            streamedLastHash: String(decoding: prev, as: UTF8.self))
    }

    /// The verdict when the line at `start` is bad: the records after it that stand on their own.
    func failed(_ error: JournalRecord.Invalid) -> JournalReader.Contents {
        var c = contents()
        c.problem = "record \(count + 1) at byte \(start): \(error.reason)"
        if error.reason != "torn (no line end)" { c.salvageable = JournalReader.standaloneChain(bytes, from: lineEnd + 1) }
        return c
    }
}
