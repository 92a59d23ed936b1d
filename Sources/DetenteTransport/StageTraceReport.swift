import Foundation

/// The text `StageTrace` writes: per stage, how long commands spent getting there from the
/// stage before (p50 / p99 / max, ms), the broadcast's write span, fsync times and the service
/// loop's split between lws (poll and its own work) and our callbacks.
struct StageTraceReport {
    let traces: [CommandTrace]
    let fsyncSeconds: [Double]
    let loop: StageTrace

    var text: String {
        var lines = ["commands traced: \(traces.count)", "stage (from the one before): p50 / p99 / max ms"]
        let stages = CommandTrace.Stage.allCases
        for (before, stage) in zip(stages, stages.dropFirst()) {
            lines.append(row("\(stage)", traces.map { span($0, from: before, to: stage) }))
        }
        lines.append(row("total (received -> ackWritten)", traces.map { span($0, from: .received, to: .ackWritten) }))
        lines.append(row("taken -> first broadcast write", traces.map { delta($0.stamps[CommandTrace.Stage.taken.rawValue], $0.firstBroadcastWrite) }))
        lines.append(row("taken -> last broadcast write", traces.map { delta($0.stamps[CommandTrace.Stage.taken.rawValue], $0.lastBroadcastWrite) }))
        lines.append(row("received -> last broadcast write", traces.map { delta($0.stamps[0], $0.lastBroadcastWrite) }))
        let writes = traces.map(\.broadcastWrites)
        lines.append("broadcast writes per command: \(writes.min() ?? 0) to \(writes.max() ?? 0)")
        lines.append(row("connections written the broadcast before the ack", traces.map { Double($0.broadcastConnectionWritesBeforeAck) }))
        lines.append(row("fsync (\(fsyncSeconds.count))", fsyncSeconds.map { $0 * 1000 }))
        let calls = max(loop.serviceCalls, 1)
        lines.append(
            "service loop: \(loop.serviceCalls) lws_service calls, \(ms(loop.serviceNanos)) ms inside them, "
                + "\(ms(loop.callbackNanos)) ms in our callbacks, \(ms((loop.serviceNanos &- loop.callbackNanos) / UInt64(calls))) ms of lws per call; "
                + "\(loop.writeableCallbacks) writeable callbacks, \(loop.inboxDrains) inbox drains")
        lines.append("raw (ms after received, per stage; last broadcast write; connections written before the ack / in all):")
        for t in traces {
            let marks = t.stamps.map { $0 == 0 ? "-" : String(format: "%.2f", Double($0 &- t.stamps[0]) / 1e6) }
            let last = t.lastBroadcastWrite == 0 ? "-" : String(format: "%.2f", Double(t.lastBroadcastWrite &- t.stamps[0]) / 1e6)
            lines.append(marks.joined(separator: " ") + " \(last) \(t.broadcastConnectionWritesBeforeAck)/\(t.broadcastConnectionWrites)")
        }
        // For matching against a load client's own clock (the same CLOCK_MONOTONIC).
        lines.append("absolute (s, CLOCK_MONOTONIC): received ackWritten")
        for t in traces {
            lines.append(String(format: "abs %.6f %.6f", Double(t.stamps[0]) / 1e9, Double(t.stamps[CommandTrace.Stage.ackWritten.rawValue]) / 1e9))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func span(_ t: CommandTrace, from a: CommandTrace.Stage, to b: CommandTrace.Stage) -> Double? {
        delta(t.stamps[a.rawValue], t.stamps[b.rawValue])
    }

    private func delta(_ a: UInt64, _ b: UInt64) -> Double? {
        a == 0 || b == 0 || b < a ? nil : Double(b - a) / 1e6
    }

    private func ms(_ nanos: UInt64) -> String { String(format: "%.1f", Double(nanos) / 1e6) }

    private func row(_ name: String, _ values: [Double?]) -> String {
        let v = values.compactMap { $0 }.sorted()
        guard !v.isEmpty else { return "\(name): no samples" }
        func p(_ q: Double) -> Double { v[min(v.count - 1, Int((q * Double(v.count)).rounded(.up)) - 1)] }
        return String(format: "%@: %.2f / %.2f / %.2f (n=%d)", name, p(0.5), p(0.99), v.last!, v.count)
    }
}
