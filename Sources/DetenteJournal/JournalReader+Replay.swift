import DetenteModel
import DetenteWorkshop
import Foundation

/// Replay at disk speed: one thread checks the chain (line ends, SHA-256, links) while the
/// caller's thread reads each checked record's event in place (`JSONObjectView`), opens its
/// sealed fields and folds it. No tree and no `String` per record; memory stays flat.
extension JournalReader {
    /// What a replay found: the chain's verdict (as `stream`) and, if a record's event did not
    /// decode or the fold refused it, why (replay stopped there).
    public struct Replayed: Sendable {
        public var contents: Contents
        public var invalid: String?
    }

    /// Journals smaller than this are checked on the caller's thread (a thread costs more).
    static let pipelineThreshold = 1 << 20

    /// Checks every record, decodes its event with its sealed fields opened, and hands it to
    /// `fold` in order. Stops at the first bad record (reported in `contents`, as `stream` does)
    /// or at the first event that does not decode or that `fold` throws for (`invalid`).
    public static func replay(data: Data, seal: AuthorSeal, _ fold: (_ seq: Int, _ event: Event) throws -> Void) -> Replayed {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            let lines = CheckedLines(SharedBytes(bytes: bytes))
            if bytes.count >= pipelineThreshold {
                let checker = Thread { lines.check() }
                checker.name = "detente-journal-check"
                checker.start()
                defer { lines.waitUntilFinished() }
                return decode(lines, bytes, seal, fold)
            }
            lines.check()
            return decode(lines, bytes, seal, fold)
        }
    }

    private static func decode(
        _ lines: CheckedLines, _ bytes: UnsafeBufferPointer<UInt8>, _ seal: AuthorSeal, _ fold: (Int, Event) throws -> Void
    ) -> Replayed {
        var view = JSONObjectView()
        var count = 0
        var lastHash = Array(JournalRecord.genesis.utf8)
        var goodLength = 0
        while let batch = lines.next() {
            for line in batch {
                let slice = UnsafeBufferPointer(rebasing: bytes[line.start..<line.end])
                do {
                    let (seq, _, event) = try RecordScanner.header(slice, bodyEnd: line.bodyEnd, expectedSeq: count + 1)
                    try RecordScanner.view(slice, event, into: &view)
                    count = seq
                    lastHash = Array(slice[(slice.count - 66)..<(slice.count - 2)])
                    goodLength = line.end + 1
                    let decoded: Event
                    do { decoded = try Event(fields: seal.opened(fields: view)) } catch {
                        lines.cancel()
                        return Replayed(contents: lines.contents(count, lastHash, goodLength, bytes.count), invalid: "record \(seq) does not decode: \(error)")
                    }
                    try fold(seq, decoded)
                } catch let invalid as JournalRecord.Invalid {
                    // The checksum held but the record is not one: the chain stops before it.
                    lines.cancel()
                    var contents = lines.contents(count, lastHash, goodLength, bytes.count)
                    contents.problem = "record \(count + 1) at byte \(line.start): \(invalid.reason)"
                    contents.salvageable = standaloneChain(bytes, from: line.end + 1)
                    return Replayed(contents: contents, invalid: nil)
                } catch {
                    lines.cancel()
                    return Replayed(contents: lines.contents(count, lastHash, goodLength, bytes.count), invalid: "\(error)")
                }
            }
        }
        return Replayed(contents: lines.contents(count, lastHash, goodLength, bytes.count), invalid: nil)
    }
}

/// A buffer both replay threads read while `replay` keeps it alive (it joins the checker first).
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}

/// The chain checker's output: batches of checked lines, handed to the decoding thread.
final class CheckedLines: @unchecked Sendable {
    struct Line {
        let start: Int
        /// The newline's offset.
        let end: Int
        let bodyEnd: Int
    }

    static let batchSize = 512
    /// Batches checked ahead of decoding at most: memory stays bounded on any journal.
    static let maxAhead = 64

    private let shared: SharedBytes
    private let condition = NSCondition()
    private var batches: [[Line]] = []
    private var finished = false
    private var cancelled = false
    private var checkerLeft = false
    /// Set by the checker when it stopped at a bad record.
    private var problem: String?
    private var salvageable: [JournalRecord] = []

    init(_ shared: SharedBytes) { self.shared = shared }

    /// The checker: every line's suffix, checksum and link to the one before. Returns when done
    /// or cancelled; `waitUntilFinished` waits for that.
    func check() {
        checkLines()
        condition.lock()
        checkerLeft = true
        condition.broadcast()
        condition.unlock()
    }

    private func checkLines() {
        let bytes = shared.bytes
        var prev = Array(JournalRecord.genesis.utf8)
        var start = 0
        var count = 0
        var batch: [Line] = []
        batch.reserveCapacity(Self.batchSize)
        while start < bytes.count {
            guard let nl = JournalReader.nextLineEnd(bytes, from: start) else {
                stop(batch, problem: "record \(count + 1) at byte \(start): torn (no line end)", salvageable: [])
                return
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
                let reason = (error as? JournalRecord.Invalid)?.reason ?? "\(error)"
                stop(batch, problem: "record \(count + 1) at byte \(start): \(reason)", salvageable: JournalReader.standaloneChain(bytes, from: nl + 1))
                return
            }
            count += 1
            start = nl + 1
            if batch.count == Self.batchSize {
                guard publish(batch) else { return }
                batch.removeAll(keepingCapacity: true)
            }
        }
        stop(batch, problem: nil, salvageable: [])
    }

    /// Hands a batch over, waiting while the decoder is far behind. False once cancelled.
    private func publish(_ batch: [Line]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.maxAhead && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    private func stop(_ batch: [Line], problem: String?, salvageable: [JournalRecord]) {
        condition.lock()
        if !batch.isEmpty { batches.append(batch) }
        self.problem = problem
        self.salvageable = salvageable
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order, or nil when the checker is done and everything was taken.
    func next() -> [Line]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The decoder stopped: the checker stops too.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilFinished() {
        condition.lock()
        while !checkerLeft { condition.wait() }
        condition.unlock()
    }

    /// The chain's verdict once decoding ended after `count` records.
    func contents(_ count: Int, _ lastHash: [UInt8], _ goodLength: Int, _ total: Int) -> JournalReader.Contents {
        condition.lock()
        defer { condition.unlock() }
        return JournalReader.Contents(
            records: [], goodLength: goodLength, totalLength: total, problem: finished ? problem : nil,
            salvageable: finished ? salvageable : [], streamedCount: count, streamedLastHash: String(decoding: lastHash, as: UTF8.self))
    }
}
