/// Stage tracing (`StageTrace`, DETENTE_TRACE_STAGES) on the transport's side: which frames of
/// a hand-over belong to a traced command, and when they were written.
extension WebSocketServer {
    /// The first frame is the command's ack (the server puts it first); the rest its broadcast.
    func attach(_ trace: CommandTrace, to frames: [(OutboundFrame, [ConnectionID])]) {
        for (i, (frame, ids)) in frames.enumerated() {
            frame.trace = trace
            frame.isTracedAck = i == 0
            if i > 0 { trace.broadcastRecipients += ids.count }
        }
    }

    /// Stamps the traced frames a write just carried (on the service thread).
    func stampWritten(_ write: OutboundQueue.Write, _ queue: inout OutboundQueue) {
        guard let stages = StageTrace.shared else { return }
        let now = StageTrace.now()
        stages.writeSerial += 1
        switch write {
        case let .single(frame): stamp(frame, at: now, serial: stages.writeSerial)
        case .batch:
            for frame in queue.tracedInBatch { stamp(frame, at: now, serial: stages.writeSerial) }
        }
        queue.tracedInBatch.removeAll()
    }

    private func stamp(_ frame: OutboundFrame, at now: UInt64, serial: UInt64) {
        guard let trace = frame.trace else { return }
        if frame.isTracedAck {
            trace.ackWritten()
            StageTrace.shared?.finish(trace)
        } else {
            trace.broadcastWritten(at: now, serial: serial)
        }
    }
}
