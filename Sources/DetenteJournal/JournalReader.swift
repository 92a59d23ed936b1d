import DetenteCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a journal back, checking every record's checksum and chain link.
public enum JournalReader {
    public struct Contents: Sendable {
        public var records: [JournalRecord]
        /// Byte length of the good prefix: everything after it is torn or corrupt.
        public var goodLength: Int
        public var totalLength: Int
        /// Why reading stopped early, if it did.
        public var problem: String?
        public var lastHash: String { records.last?.hash ?? JournalRecord.genesis }
    }

    public static func read(path: String) throws -> Contents {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return read(data: data)
    }

    public static func read(data: Data) -> Contents {
        var records: [JournalRecord] = []
        var prev = JournalRecord.genesis
        var offset = 0
        var problem: String?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                guard let nl = bytes[start...].firstIndex(of: 0x0A) else {
                    problem = "torn record at byte \(start): no line end"
                    return
                }
                let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<nl]), as: UTF8.self)
                do {
                    let record = try JournalRecord.decode(line: Substring(line), expectedPrev: prev, expectedSeq: records.count + 1)
                    records.append(record)
                    prev = record.hash
                    start = nl + 1
                    offset = start
                } catch {
                    problem = "record \(records.count + 1) at byte \(start): \((error as? JournalRecord.Invalid)?.reason ?? "\(error)")"
                    return
                }
            }
        }
        return Contents(records: records, goodLength: offset, totalLength: data.count, problem: problem)
    }

    /// Moves a bad tail aside to `<journal>.broken` and truncates the journal at its last good
    /// record, so start-up can go on with everything that was durable and intact.
    /// - Returns: the path of the saved tail.
    public static func recover(path: String, contents: Contents) throws -> String {
        let brokenPath = path + ".broken"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let tail = data.subdata(in: contents.goodLength..<data.count)
        try tail.write(to: URL(fileURLWithPath: brokenPath), options: .atomic)
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw JournalError(.io, "open \(path) for truncation", errno: errno) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(contents.goodLength)) == 0, fsync(fd) == 0 else {
            throw JournalError(.io, "truncate \(path)", errno: errno)
        }
        return brokenPath
    }
}

/// An error from the environment while journaling, carrying the errno.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let raw: String
        public static let io = Code(raw: "io")
        public static let corrupt = Code(raw: "corrupt")
        public static let closed = Code(raw: "closed")
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
