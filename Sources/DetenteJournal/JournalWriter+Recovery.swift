import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Getting out of the refusing state: only once every file that could not be trusted has been
/// reopened, cut back to its durable length and checked, and the folder takes a synced write.
extension JournalWriter {
    /// Reopens and checks every suspect file, then proves the folder takes a synced write. On
    /// success the writer accepts entries again. Runs on the writer thread, between batches.
    func tryToRecover() {
        do throws(JournalError) {
            for path in state.withLock({ suspect.sorted() }) {
                try reopenAndCheck(path)
                state.withLock { _ = suspect.remove(path) }
            }
            try probeWrite()
            let was = state.withLock { () -> JournalError? in
                let r = refusing; refusing = nil; return r
            }
            if let was { logger.notice("journal writes work again; accepting entries", metadata: ["was": "\(was)"]) }
        } catch {
            state.withLock { refusing = error }
        }
    }

    private func reopenAndCheck(_ path: String) throws(JournalError) {
        if let (workshop, f) = state.withLock({ journals.first { Self.journalPath(directory, $0.key) == path } }) {
            files.close(f.fd)
            var fresh = f
            fresh.fd = -1  // closed: never closed again, even if reopening fails
            state.withLock { journals[workshop] = fresh }
            fresh.fd = try files.openAppend(path)
            state.withLock { journals[workshop] = fresh }
            try files.truncate(fresh.fd, to: f.durableLength)
            try files.fsync(fresh.fd)
            try checkTail(path, f)
        } else if let (workshop, r) = state.withLock({ rosters.first { Self.rosterPath(directory, $0.key) == path } }) {
            files.close(r.fd)
            var fresh = r
            fresh.fd = -1
            state.withLock { rosters[workshop] = fresh }
            fresh.fd = try files.openAppend(path)
            state.withLock { rosters[workshop] = fresh }
            try files.truncate(fresh.fd, to: r.durableLength)
            try files.fsync(fresh.fd)
        }
    }

    /// After a failed fsync the kernel may have dropped pages it said it wrote (PostgreSQL's
    /// "fsyncgate", 2018): read the last durable record back and check it ends with its hash.
    private func checkTail(_ path: String, _ f: JournalFile) throws(JournalError) {
        guard f.durableLength > 0 else { return }
        let suffix = Array(f.lastHash.utf8) + Array("\"}\n".utf8)
        let bytes = try files.read(path, from: f.durableLength - suffix.count, count: suffix.count)
        guard bytes == suffix else { throw JournalError(.corrupt, "the last durable record of \(path) does not read back") }
    }

    private func probeWrite() throws(JournalError) {
        let path = directory + "/.detente-probe"
        let fd = try files.openAppend(path)
        defer { files.close(fd); unlink(path) }
        try files.truncate(fd, to: 0)
        try files.writeAll(fd, [UInt8](repeating: 0x20, count: 4096)[...])
        try files.fsync(fd)
    }
}
