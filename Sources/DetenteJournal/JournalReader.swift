import DetenteModel
import DetenteWorkshop
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a journal back, checking every record's checksum and chain link. Reading never
/// modifies a file; only `recover` (start-up of the one serving process) and `salvage` (an
/// operator's command) write.
public enum JournalReader {
    public struct Contents: Sendable {
        public var records: [JournalRecord]
        /// Byte length of the good prefix: everything after it is torn or corrupt.
        public var goodLength: Int
        public var totalLength: Int
        /// Why reading stopped early, if it did, with the record number and byte offset.
        public var problem: String?
        /// Records after the first bad one that check out on their own and chain to each other:
        /// what `detente salvage` can restore.
        public var salvageable: [JournalRecord] = []
        /// Records checked (also when streamed, and `records` stayed empty) and the last one's hash.
        public var streamedCount = 0
        var streamedLastHash = JournalRecord.genesis
        public var lastHash: String { records.last?.hash ?? streamedLastHash }
    }

    public static func read(path: String) throws -> Contents {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return read(data: data)
    }

    public static func read(data: Data) -> Contents {
        var records: [JournalRecord] = []
        var contents = stream(data: data) { records.append($0) }
        contents.records = records
        return contents
    }

    /// Checks every record in order and hands each good one to `body` as it goes, keeping none
    /// (`Contents.records` stays empty): replaying a long journal needs no array of all of them.
    public static func stream(data: Data, _ body: (JournalRecord) -> Void) -> Contents {
        var count = 0
        var prev = Array(JournalRecord.genesis.utf8)
        var offset = 0
        var problem: String?
        var salvageable: [JournalRecord] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                guard let nl = nextLineEnd(bytes, from: start) else {
                    problem = "record \(count + 1) at byte \(start): torn (no line end)"
                    return
                }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<nl])
                do {
                    let checked = try RecordScanner.check(line)
                    guard RecordScanner.equal(checked.prev, prev) else {
                        throw JournalRecord.Invalid(reason: "chain broken: prev does not match the previous record's hash")
                    }
                    let record = try RecordScanner.record(line, checked, expectedSeq: count + 1, offset: start)
                    count += 1
                    body(record)
                    prev = Array(checked.hash)
                    start = nl + 1
                    offset = start
                } catch {
                    problem = "record \(count + 1) at byte \(start): \((error as? JournalRecord.Invalid)?.reason ?? "\(error)")"
                    salvageable = standaloneChain(bytes, from: nl + 1)
                    return
                }
            }
        }
        return Contents(
            records: [], goodLength: offset, totalLength: data.count, problem: problem, salvageable: salvageable, streamedCount: count,
            streamedLastHash: String(decoding: prev, as: UTF8.self))
    }

    static func nextLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let p = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// The longest run of self-consistent records after a bad one: each checks out on its own
    /// and the first of them starts a chain the rest follow.
    static func standaloneChain(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int) -> [JournalRecord] {
        var out: [JournalRecord] = []
        var start = first
        while start < bytes.count, let nl = nextLineEnd(bytes, from: start) {
            let line = UnsafeBufferPointer(rebasing: bytes[start..<nl])
            if let checked = try? RecordScanner.check(line), let record = try? RecordScanner.record(line, checked, expectedSeq: nil, offset: start),
                out.isEmpty || (record.prev == out.last!.hash && record.seq == out.last!.seq + 1)
            {
                out.append(record)
            } else if !out.isEmpty {
                break
            }
            start = nl + 1
        }
        return out
    }

    /// The next free quarantine name: `<journal>.broken.1`, `.broken.2`, … (never overwritten).
    public static func quarantinePath(for path: String) -> String {
        var n = 1
        while FileManager.default.fileExists(atPath: "\(path).broken.\(n)") { n += 1 }
        return "\(path).broken.\(n)"
    }

    /// Copies a bad tail to a new numbered quarantine file (synced), then truncates the journal
    /// at its last good record, so start-up can go on with everything that was durable and
    /// intact. Only the serving process calls this, holding the sessions lock.
    /// - Returns: the path of the saved tail.
    public static func recover(path: String, contents: Contents) throws -> String {
        let brokenPath = quarantinePath(for: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let tail = data.subdata(in: contents.goodLength..<data.count)
        try writeSynced(Array(tail), to: brokenPath)
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError(.io, "open \(path) for truncation", errno: errno) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(contents.goodLength)) == 0, fsync(fd) == 0 else {
            throw JournalError(.io, "truncate \(path)", errno: errno)
        }
        return brokenPath
    }

    /// Writes a new file and syncs it and its directory.
    static func writeSynced(_ bytes: [UInt8], to path: String) throws(JournalError) {
        let files = PosixJournalFiles()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(.io, "create \(path)", errno: errno) }
        defer { close(fd) }
        try files.writeAll(fd, bytes[...])
        try files.fsync(fd)
        try files.syncDirectory((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }

    /// Rewrites a journal as its good prefix followed by the salvageable records after a
    /// corrupt one, re-chained (their sequence numbers and hashes change; their events do not).
    /// The original file is kept as a numbered quarantine file.
    /// - Returns: how many records were restored, and where the original went.
    public static func salvage(path: String) throws -> (restored: Int, original: String) {
        let contents = try read(path: path)
        guard contents.problem != nil else { return (0, "") }
        var out = [UInt8]()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        out.append(contentsOf: data.prefix(contents.goodLength))
        var seq = contents.records.count
        var prev = contents.lastHash
        for record in contents.salvageable {
            seq += 1
            let (line, hash) = JournalRecord.encode(seq: seq, at: record.at, event: record.storedEvent, prev: prev)
            out.append(contentsOf: line.utf8)
            prev = hash
        }
        let original = quarantinePath(for: path)
        try FileManager.default.copyItem(atPath: path, toPath: original)
        let temporary = path + ".salvage"
        try? FileManager.default.removeItem(atPath: temporary)
        try writeSynced(out, to: temporary)
        guard rename(temporary, path) == 0 else { throw JournalError(.io, "rename \(temporary)", errno: errno) }
        try PosixJournalFiles().syncDirectory((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        return (contents.salvageable.count, original)
    }
}

/// An error from the environment while journaling, carrying the errno.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let raw: String
        public static let io = Code(raw: "io")
        public static let corrupt = Code(raw: "corrupt")
        public static let closed = Code(raw: "closed")
        /// Personal fields could not be sealed: refused rather than written in clear.
        public static let sealing = Code(raw: "sealing")
        /// The writer is refusing writes until the disk works again.
        public static let refusing = Code(raw: "refusing")
        /// Too much is queued already.
        public static let busy = Code(raw: "busy")
        /// Another process holds the sessions folder.
        public static let locked = Code(raw: "locked")
        /// Another node serves this workshop (it holds the workshop's PostgreSQL advisory lock).
        public static let ownedElsewhere = Code(raw: "owned_elsewhere")
    }
    public let code: Code
    public let reason: String
    public let errno: Int32

    public init(_ code: Code, _ reason: String, errno: Int32 = 0) {
        self.code = code
        self.reason = reason
        self.errno = errno
    }

    public var description: String {
        errno == 0 ? "\(code.raw): \(reason)" : "\(code.raw): \(reason): \(String(cString: strerror(errno)))"
    }
}
