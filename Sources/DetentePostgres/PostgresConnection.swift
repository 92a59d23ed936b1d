import CLibPQ
import DetenteJournal
import Foundation

/// One libpq connection, the only owner of its `PGconn`. Not thread-safe: its user serialises
/// calls (`PostgresJournal` holds it under a lock). Every failure is a `JournalError(.io)`
/// carrying PostgreSQL's message and SQLSTATE.
///
/// libpq rather than postgres-nio: the journal writer is one blocking thread (as with files), so a
/// blocking client fits it without an event loop, and Debian's libpq-dev builds in seconds where
/// postgres-nio and its NIO stack take minutes on every fresh CI clone.
final class PostgresConnection: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let sqlstate: String?
        let message: String
        var description: String { sqlstate.map { "\($0): \(message)" } ?? message }
    }

    private let handle: OpaquePointer

    /// - Parameter url: a libpq connection string or URI, e.g. `postgres://u@127.0.0.1:5432/db`.
    init(url: String) throws(JournalError) {
        guard let conn = PQconnectdb(url) else { throw JournalError(.io, "PostgreSQL: out of memory connecting") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw JournalError(.io, "PostgreSQL: cannot connect: \(message)")
        }
        handle = conn
    }

    deinit { PQfinish(handle) }

    var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with text parameters and returns its rows as text (nil for NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(JournalError) -> [[String?]] {
        do { return try run(sql, parameters) } catch { throw JournalError(.io, "PostgreSQL: \(error)") }
    }

    /// As `query`, with PostgreSQL's SQLSTATE kept apart from its message.
    private func run(_ sql: String, _ parameters: [String?]) throws(Failure) -> [[String?]] {
        let result = Self.withCStrings(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard let result else { throw Failure(sqlstate: nil, message: Self.trimmed(PQerrorMessage(handle))) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = CLibPQ_sqlstate(result).map { String(cString: $0) }
            throw Failure(sqlstate: state, message: Self.trimmed(PQresultErrorMessage(result)))
        }
        var rows: [[String?]] = []
        let (n, m) = (PQntuples(result), PQnfields(result))
        rows.reserveCapacity(Int(n))
        for r in 0..<n {
            rows.append((0..<m).map { c in PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)) })
        }
        return rows
    }

    /// Payloads of the notifications that arrived (LISTEN), without waiting.
    func notifications() throws(JournalError) -> [String] {
        guard PQconsumeInput(handle) == 1 else { throw JournalError(.io, "PostgreSQL: \(Self.trimmed(PQerrorMessage(handle)))") }
        var out: [String] = []
        while let n = PQnotifies(handle) {
            out.append(String(cString: n.pointee.extra))
            PQfreemem(n)
        }
        return out
    }

    /// Several statements without parameters (schema migrations).
    func script(_ sql: String) throws(JournalError) {
        guard let result = PQexec(handle, sql) else { throw JournalError(.io, "PostgreSQL: \(Self.trimmed(PQerrorMessage(handle)))") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw JournalError(.io, "PostgreSQL: \(Self.trimmed(PQresultErrorMessage(result)))")
        }
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
    }

    private static func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { $0.map { strdup($0)! } }
        defer { for c in copies { free(c) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
