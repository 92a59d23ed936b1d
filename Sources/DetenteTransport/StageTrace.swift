import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One command's way through the server, stamped at each stage, to find where an ack's time
/// goes under load. Made only while `StageTrace.shared` is on (DETENTE_TRACE_STAGES=<file>).
///
/// Each stage is stamped by one thread, and the hand-overs between them (room queue, journal,
/// inbox) order the stamps, so no lock is needed.
public final class CommandTrace: @unchecked Sendable {
    public enum Stage: Int, CaseIterable, Sendable {
        /// The frame was parsed on the service thread.
        case received
        /// The room's queue began the command.
        case started
        case decided
        /// Handed to the journal.
        case submitted
        /// The journal's completion ran (after fsync).
        case durable
        /// Ack and broadcasts handed to the transport, on the room's queue.
        case handedOver
        /// The service thread took them from the inbox.
        case taken
        /// The frame holding the ack went to `lws_write`.
        case ackWritten
    }

    private(set) var stamps = [UInt64](repeating: 0, count: Stage.allCases.count)
    /// The first and last write of the command's broadcast frames (service thread).
    var firstBroadcastWrite: UInt64 = 0
    var lastBroadcastWrite: UInt64 = 0
    var broadcastWrites = 0
    /// Writes (to distinct connections, one per write) that carried its broadcast, in all and
    /// before its ack was written: the ack's place in the write order, counted.
    var broadcastConnectionWrites = 0
    var broadcastConnectionWritesBeforeAck = 0
    private var lastWriteSerial: UInt64 = 0
    /// Recipients the hand-over queued for (so the trace knows when the broadcast is all out).
    var broadcastRecipients = 0

    public init() {}

    public func stamp(_ stage: Stage) { stamps[stage.rawValue] = StageTrace.now() }

    /// One of its broadcast frames went out in write number `serial`.
    func broadcastWritten(at t: UInt64, serial: UInt64) {
        if firstBroadcastWrite == 0 { firstBroadcastWrite = t }
        lastBroadcastWrite = t
        broadcastWrites += 1
        if serial != lastWriteSerial {
            lastWriteSerial = serial
            broadcastConnectionWrites += 1
        }
    }

    func ackWritten() {
        stamp(.ackWritten)
        broadcastConnectionWritesBeforeAck = broadcastConnectionWrites
    }
}

/// The collector of `CommandTrace`s and of the service loop's time, written as a summary to the
/// file DETENTE_TRACE_STAGES names when the server stops. A diagnostic: off by default, and
/// then the hot path pays one nil check per command.
public final class StageTrace: @unchecked Sendable {
    public static let shared: StageTrace? = ProcessInfo.processInfo.environment["DETENTE_TRACE_STAGES"].flatMap {
        $0.isEmpty ? nil : StageTrace(path: $0)
    }

    let path: String
    private let lock = NSLock()
    private var traces: [CommandTrace] = []
    private var fsyncSeconds: [Double] = []
    /// Service thread only: lws_service calls, time inside them and inside our callbacks.
    var serviceCalls = 0
    var serviceNanos: UInt64 = 0
    var callbackNanos: UInt64 = 0
    var writeableCallbacks = 0
    var inboxDrains = 0
    /// Numbers the writes that carried a traced frame (service thread).
    var writeSerial: UInt64 = 0

    init(path: String) { self.path = path }

    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// A trace to carry along, or nil while tracing is off.
    public static func begin() -> CommandTrace? {
        guard shared != nil else { return nil }
        let t = CommandTrace()
        t.stamp(.received)
        return t
    }

    func finish(_ trace: CommandTrace) { lock.withLock { traces.append(trace) } }

    public func recordFsync(seconds: Double) { lock.withLock { fsyncSeconds.append(seconds) } }

    /// Writes the summary (milliseconds per stage: p50, p99, max) and one line per command.
    public func write() {
        let (done, fsyncs) = lock.withLock { (traces, fsyncSeconds) }
        let report = StageTraceReport(traces: done, fsyncSeconds: fsyncs, loop: self)
        try? report.text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
