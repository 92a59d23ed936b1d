import DetenteCore
import DetenteJournal
@testable import DetentePostgres
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL cluster for the test process: `initdb` into a temp folder, `pg_ctl`
/// start on a Unix socket there (no TCP port to collide on), stopped at exit. As root it runs as
/// the `postgres` user, since PostgreSQL refuses to run as root. Needs Debian's `postgresql`
/// (the Makefile's `setup` installs it).
final class TestPostgres: Sendable {
    static let shared: TestPostgres = {
        do { return try TestPostgres() } catch { fatalError("cannot start the test PostgreSQL cluster: \(error)") }
    }()

    let directory: String
    let port = 5433

    private init() throws {
        directory = NSTemporaryDirectory() + "detente-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let bin = try Self.binaries()
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", directory]) }
        try Self.run(bin + "/initdb", ["-D", directory + "/data", "-A", "trust", "-U", "postgres", "--no-sync"], quiet: true)
        try Self.run(
            bin + "/pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/log", "-w", "-o",
                "-k \(directory) -p \(port) -c listen_addresses='' -c fsync=on -c synchronous_commit=on",
                "start"
            ], quiet: true)
        stopAtExit = directory
        atexit {
            guard let dir = stopAtExit, let bin = try? TestPostgres.binaries() else { return }
            try? TestPostgres.run(bin + "/pg_ctl", ["-D", dir + "/data", "-m", "immediate", "-w", "stop"], quiet: true)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// A URI for a database of its own (fresh, empty), so tests do not see each other's workshops.
    func freshDatabase() -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try! PostgresConnection(url: url("postgres"))
        try! admin.query("CREATE DATABASE \(name)")
        return url(name)
    }

    func url(_ database: String) -> String { "postgresql:///\(database)?host=\(directory)&port=\(port)&user=postgres" }

    /// Debian keeps the server programs out of PATH, under /usr/lib/postgresql/<major>/bin.
    static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let majors = (try? FileManager.default.contentsOfDirectory(atPath: root))?.compactMap(Int.init).sorted() ?? []
        guard let major = majors.last else { throw JournalError(.io, "no PostgreSQL server under \(root): apt-get install postgresql") }
        return "\(root)/\(major)/bin"
    }

    /// posix_spawn and waitpid (Foundation's Process did not reap pg_ctl's runuser here).
    static func run(_ program: String, _ arguments: [String], quiet: Bool = false) throws {
        let argv = getuid() == 0 && !program.hasPrefix("/bin/") ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] + arguments : [program] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard spawned == 0 else { throw JournalError(.io, "cannot start \(argv[0])", errno: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw JournalError(.io, "\(program) \(arguments.joined(separator: " ")) exited with status \(status)") }
    }
}

nonisolated(unsafe) private var stopAtExit: String?

/// One storage under test: how to open it (again), and how to break it.
struct StorageUnderTest: Sendable {
    let name: String
    /// A new instance on the same place (a restart).
    let open: @Sendable () -> any JournalStorage
    /// Changes one byte of a stored record of the workshop.
    let tamper: @Sendable (_ workshop: String, _ seq: Int) throws -> Void
    /// Makes the next durable write fail once.
    let failNextWrite: @Sendable (_ storage: any JournalStorage) throws -> Void

    enum Kind: String, CaseIterable, Sendable { case files, postgres }

    static func make(_ kind: Kind) -> StorageUnderTest {
        switch kind {
        case .files: return files()
        case .postgres: return postgres()
        }
    }

    static func files() -> StorageUnderTest {
        let dir = tempDirectory()
        let faults = FaultyFiles()
        return StorageUnderTest(
            name: "files",
            open: { JournalWriter(directory: dir, logger: quietLogger, files: faults) },
            tamper: { workshop, seq in
                let path = JournalWriter.journalPath(dir, workshop)
                var data = try Data(contentsOf: URL(fileURLWithPath: path))
                let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
                let start = lines.prefix(seq - 1).reduce(0) { $0 + $1.count + 1 }
                data[start + 20] ^= 0x01
                try data.write(to: URL(fileURLWithPath: path))
            },
            failNextWrite: { _ in
                let pending = NSLock()
                nonisolated(unsafe) var once = true
                faults.plan = { op, path in
                    guard op == "fsync", path.hasSuffix(".journal") else { return nil }
                    return pending.withLock { () -> FaultyFiles.Fault? in
                        guard once else { return nil }
                        once = false
                        return .fsync(errno: EIO)
                    }
                }
            })
    }

    static func postgres() -> StorageUnderTest {
        let url = TestPostgres.shared.freshDatabase()
        return StorageUnderTest(
            name: "postgres",
            open: { PostgresJournal(url: url, logger: quietLogger) },
            tamper: { workshop, seq in
                let c = try PostgresConnection(url: url)
                try c.query(
                    "UPDATE detente_records SET line = overlay(line placing 'X' from 21 for 1) WHERE workshop = $1 AND seq = $2",
                    [workshop, String(seq)])
            },
            failNextWrite: { storage in
                // The writer's own connection dies, as when PostgreSQL restarts or the network drops.
                let c = try PostgresConnection(url: url)
                try c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'detente/%' AND datname = current_database() AND pid <> pg_backend_pid()")
            })
    }
}

/// Submits entries to any storage and waits for every completion; results in order.
func submitAndWait(_ storage: any JournalStorage, _ entries: [JournalEntry]) -> [Result<Void, JournalError>] {
    let lock = NSLock()
    nonisolated(unsafe) var results = [Result<Void, JournalError>?](repeating: nil, count: entries.count)
    let done = DispatchSemaphore(value: 0)
    for (i, e) in entries.enumerated() {
        storage.submit(e) { r in
            lock.withLock { results[i] = r }; done.signal()
        }
    }
    for _ in entries { done.wait() }
    return lock.withLock { results.map { $0! } }
}
