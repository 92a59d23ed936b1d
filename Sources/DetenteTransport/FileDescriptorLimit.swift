import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit: every websocket is a descriptor.
enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit (at most 2^20), before lws sizes its tables.
    static func raise(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            let wanted = min(limit.rlim_max, 1 << 20)
            limit.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
                logger.warning("could not raise the open-file limit", metadata: ["errno": "\(errno)"])
            }
        }
        logger.debug("open-file limit", metadata: ["limit": "\(limit.rlim_cur)"])
    }
}
