import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on the sessions folder: one process at a time may write journals there
/// (`serve`, `purge`, `salvage`). Read-only commands do not take it. The lock is released when
/// the process exits, however it exits.
public final class SessionsLock: @unchecked Sendable {
    /// -1 once closed: a class whose init throws after its properties are set still runs
    /// `deinit`, and closing an fd twice can close another thread's newly opened file.
    private var fd: Int32
    public let path: String

    /// - Throws: `JournalError` with a message naming the folder when another process holds it.
    public init(directory: String) throws(JournalError) {
        path = directory + "/.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(.io, "open \(path)", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(fd)
            fd = -1
            if error == EWOULDBLOCK {
                throw JournalError(.locked, "another Detente process is using \(directory) (stop it first, or use --sessions for another folder)")
            }
            throw JournalError(.io, "lock \(path)", errno: error)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
    }
}
