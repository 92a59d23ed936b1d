import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The file operations the journal writer needs: the seam where tests inject ENOSPC, short
/// writes, EIO on fsync and other faults. Every failure is a `JournalError` carrying the errno.
public protocol JournalFiles: Sendable {
    func openAppend(_ path: String) throws(JournalError) -> Int32
    /// Writes some of `bytes`; returns how many (a short write is not an error).
    func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(JournalError) -> Int
    func fsync(_ fd: Int32) throws(JournalError)
    func truncate(_ fd: Int32, to length: Int) throws(JournalError)
    func size(_ fd: Int32) throws(JournalError) -> Int
    func read(_ path: String, from offset: Int, count: Int) throws(JournalError) -> [UInt8]
    func syncDirectory(_ path: String) throws(JournalError)
    func close(_ fd: Int32)
}

extension JournalFiles {
    /// Writes every byte or throws; a write that makes no progress is an error (ENOSPC on some
    /// file systems shows up as a zero-length write).
    public func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(JournalError) {
        var rest = bytes
        while !rest.isEmpty {
            let n = try write(fd, rest)
            guard n > 0 else { throw JournalError(.io, "write made no progress", errno: ENOSPC) }
            rest = rest.dropFirst(n)
        }
    }
}

/// The real files.
public struct PosixJournalFiles: JournalFiles {
    public init() {
        // A file over RLIMIT_FSIZE must fail the write with EFBIG, not kill the server.
        signal(SIGXFSZ, SIG_IGN)
    }

    public func openAppend(_ path: String) throws(JournalError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(.io, "open \(path)", errno: errno) }
        return fd
    }

    public func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(JournalError) -> Int {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw JournalError(.io, "write", errno: errno)
        }
    }

    public func fsync(_ fd: Int32) throws(JournalError) {
        guard Glibc.fsync(fd) == 0 else { throw JournalError(.io, "fsync", errno: errno) }
    }

    public func truncate(_ fd: Int32, to length: Int) throws(JournalError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw JournalError(.io, "truncate", errno: errno) }
    }

    public func size(_ fd: Int32) throws(JournalError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw JournalError(.io, "fstat", errno: errno) }
        return Int(st.st_size)
    }

    public func read(_ path: String, from offset: Int, count: Int) throws(JournalError) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError(.io, "open \(path) for reading", errno: errno) }
        defer { Glibc.close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw JournalError(.io, "read \(path)", errno: n < 0 ? errno : EIO) }
            done += n
        }
        return out
    }

    /// A new file's directory entry is durable only once its directory is synced.
    public func syncDirectory(_ path: String) throws(JournalError) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError(.io, "open directory \(path)", errno: errno) }
        defer { Glibc.close(fd) }
        guard Glibc.fsync(fd) == 0 else { throw JournalError(.io, "fsync directory", errno: errno) }
    }

    public func close(_ fd: Int32) { Glibc.close(fd) }
}
