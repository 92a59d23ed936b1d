import DetenteModel
import DetenteWorkshop
import Foundation

/// Replay at disk speed, in three stages: one thread checks the chain (line ends, SHA-256,
/// links), a second reads each checked record's event in place (`JSONObjectView`), opens its
/// sealed fields and decodes it, and the caller's thread folds the events. No tree and no `String`
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
    /// Batches decoded ahead of the fold at most: memory stays bounded on any journal.
    static let maxAhead = 32

    private let shared: SharedBytes
    private let chain: CheckedLines
    private let seal: AuthorSeal
    private let condition = NSCondition()
    private var batches: [[(Int, Event)]] = []
    private var produced = false
    private var cancelled = false
    private var verdict: JournalReader.Replayed?

    /// Whether `publish` waits while `maxAhead` batches are waiting (only with a consumer running).
    private let bounded: Bool

    init(_ shared: SharedBytes, chain: CheckedLines, seal: AuthorSeal, bounded: Bool) {
        self.shared = shared
        self.chain = chain
        self.seal = seal
        self.bounded = bounded
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

    /// Hands a batch over, waiting while the fold is far behind. False once cancelled.
    @discardableResult
    private func publish(_ batch: [(Int, Event)], last: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while bounded && batches.count >= Self.maxAhead && !cancelled && !last { condition.wait() }
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
    static let maxAhead = 32

    private let shared: SharedBytes
    private let condition = NSCondition()
    private var batches: [[Line]] = []
    private var finished = false
    private var cancelled = false
    private var problem: String?
    private var salvageable: [JournalRecord] = []

    /// Whether `publish` waits while `maxAhead` batches are waiting (only with a consumer running).
    private let bounded: Bool

    init(_ shared: SharedBytes, bounded: Bool) {
        self.shared = shared
        self.bounded = bounded
    }

    /// Checks every line until a bad one (or until cancelled), publishing batches as it goes.
    func check() {
        let (problem, salvageable) = checkLines()
        condition.lock()
        self.problem = problem
        self.salvageable = salvageable
        finished = true
        condition.broadcast()
        condition.unlock()
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
    private func publish(_ batch: [Line], last: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while bounded && batches.count >= Self.maxAhead && !cancelled && !last { condition.wait() }
        guard !cancelled else { return false }
        if !batch.isEmpty { batches.append(batch) }
        condition.broadcast()
        return true
    }

    /// The next batch in order, or nil once the checker is done and everything was taken.
    func next() -> [Line]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilFinished() {
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// Why checking stopped, if it stopped at a bad line (call once every batch was taken).
    func verdict() -> (String?, [JournalRecord]) {
        waitUntilFinished()
        return condition.withLock { (problem, salvageable) }
    }
}
