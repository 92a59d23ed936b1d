import CLibWebSockets
import Foundation

/// The `detente.v1` protocol's callbacks, on the service thread: one small handler per reason.
extension WebSocketServer {
    func webSocketEvent(
        _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
        _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> Int32 {
        guard let trace = StageTrace.shared else { return handleEvent(wsi, reason, user, input, length) }
        let before = StageTrace.now()
        defer { trace.callbackNanos += StageTrace.now() - before }
        if reason == LWS_CALLBACK_SERVER_WRITEABLE { trace.writeableCallbacks += 1 }
        if reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED { trace.inboxDrains += 1 }
        return handleEvent(wsi, reason, user, input, length)
    }

    private func handleEvent(
        _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
        _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            // Already checked at LWS_CALLBACK_HTTP_CONFIRM_UPGRADE; checked again so that no
            // other path into this protocol can skip it.
            guard let wsi, !shuttingDown, upgradeRefusal(wsi) == nil else { return 1 }
            return 0
        case LWS_CALLBACK_ESTABLISHED:
            guard let wsi, let user else { return -1 }
            return established(wsi, user)
        case LWS_CALLBACK_TIMER:
            guard let c = Self.connection(user), !c.identified, c.closing == nil else { return 0 }
            return closeNow(c, .policyViolation, "say hello or join within \(configuration.identifyWithinSeconds) s of connecting")
        case LWS_CALLBACK_RECEIVE:
            guard let wsi, let c = Self.connection(user) else { return -1 }
            return receive(wsi, c, UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length))
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            if let c = Self.connection(user) {
                c.peerClosed = true
                c.outbound.removeAll()
            }
            return 0
        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let wsi, let c = Self.connection(user) else { return -1 }
            return writeable(wsi, c)
        case LWS_CALLBACK_CLOSED:
            guard let user else { return 0 }
            closed(user)
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0
        default:
            return 0
        }
    }

    private func established(_ wsi: OpaquePointer, _ user: UnsafeMutableRawPointer) -> Int32 {
        nextConnection += 1
        let c = Connection(id: ConnectionID(raw: nextConnection), wsi: wsi, address: clientAddress(wsi), configuration: configuration)
        user.storeBytes(of: Unmanaged.passRetained(c).toOpaque(), as: UnsafeMutableRawPointer.self)
        connections[c.id] = c
        connectionsPerAddress[c.address, default: 0] += 1
        addressLock.withLock { addresses[c.id] = c.address }
        lws_set_timer_usecs(wsi, lws_usec_t(configuration.identifyWithinSeconds) * 1_000_000)
        delegate?.connectionOpened(c.id)
        return 0
    }

    private func receive(_ wsi: OpaquePointer, _ c: Connection, _ fragment: UnsafeRawBufferPointer) -> Int32 {
        if c.closing != nil { return 0 }
        if let refusal = frameRefusal(wsi) { return closeNow(c, refusal.0, refusal.1) }
        if lws_frame_is_binary(wsi) != 0 {
            return closeNow(c, .invalidPayload, "binary frames are not accepted; send JSON text")
        }
        if !c.inbound.append(fragment) {
            return closeNow(c, .messageTooBig, "message larger than \(configuration.maxMessageBytes) bytes")
        }
        guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }
        let message = c.inbound.finish()
        guard c.rate.take(now: DispatchTime.now().uptimeNanoseconds) else {
            c.violations += 1
            if c.violations > configuration.rateViolationsBeforeClose {
                return closeNow(c, .policyViolation, "rate limit exceeded repeatedly")
            }
            let limit = Int(configuration.messagesPerSecond)
            queue(OutboundFrame(#"{"type":"error","code":"rate_limited","message":"too many messages; slow down (limit \#(limit)/s)"}"#), for: c.id)
            return 0
        }
        delegate?.received(message, from: c.id)
        return 0
    }

    /// Sends the close frame once due, else writes queued frames as long as the socket takes
    /// them without buffering inside lws.
    private func writeable(_ wsi: OpaquePointer, _ c: Connection) -> Int32 {
        // Mid-pass: answers handed over meanwhile are requested now, for the next pass.
        if !inbox.isEmpty { drainInbox() }
        if c.peerClosed { return 0 }
        if let (code, reason) = c.closing, c.outbound.isEmpty || code != .normal {
            var bytes = Array(reason.utf8.prefix(120))
            CLWS_close_reason(wsi, code.rawValue, &bytes, bytes.count)
            return -1
        }
        if yieldsTurn(c) { return 0 }
        c.yieldedTurn = false
        if c.answerPending {
            c.answerPending = false
            pendingAnswers -= 1
        }
        let corked = configuration.corkWrites && c.outbound.pendingFrames > 1 && setCork(wsi, true)
        defer { if corked { _ = setCork(wsi, false) } }
        var budget = 64
        while budget > 0,
            let write = c.outbound.takeWrite(
                batching: c.batches, maxBatchBytes: configuration.maxBatchBytes,
                headroom: CLWS_pre(), into: &batchBuffer)
        {
            if self.write(write, to: wsi) < 0 { return -1 }
            if StageTrace.shared != nil { stampWritten(write, &c.outbound) }
            budget -= 1
            if lws_send_pipe_choked(wsi) != 0 { break }
        }
        if !c.outbound.isEmpty || c.closing != nil { lws_callback_on_writable(wsi) }
        return 0
    }

    /// A broadcast-only write gives its turn (once before it is written) while some connection
    /// has an answer waiting: lws serves descriptors in order, and the answer's may come last
    /// in this pass, or only in the next (`WritePacing`).
    private func yieldsTurn(_ c: Connection) -> Bool {
        guard pendingAnswers > 0, !c.answerPending, !c.yieldedTurn, c.closing == nil else { return false }
        c.yieldedTurn = true
        if !c.awaitingRelease {
            c.awaitingRelease = true
            writePacing.yieldTurn(c.id)
        }
        return true
    }

    private func write(_ write: OutboundQueue.Write, to wsi: OpaquePointer) -> Int32 {
        let pre = CLWS_pre()
        switch write {
        case let .single(frame):
            return frame.storage.withUnsafeMutableBufferPointer { buf in lws_write(wsi, buf.baseAddress! + pre, frame.length, LWS_WRITE_TEXT) }
        case let .batch(_, length):
            return batchBuffer.withUnsafeMutableBufferPointer { buf in lws_write(wsi, buf.baseAddress! + pre, length, LWS_WRITE_TEXT) }
        }
    }

    /// TCP_CORK around a burst of writes (measured against batching; off by default).
    private func setCork(_ wsi: OpaquePointer, _ on: Bool) -> Bool {
        var value: Int32 = on ? 1 : 0
        return setsockopt(lws_get_socket_fd(wsi), Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    private func closed(_ user: UnsafeMutableRawPointer) {
        guard let raw = user.load(as: UnsafeMutableRawPointer?.self) else { return }
        let c = Unmanaged<Connection>.fromOpaque(raw).takeRetainedValue()
        user.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        connections[c.id] = nil
        if c.answerPending { pendingAnswers -= 1 }
        if let n = connectionsPerAddress[c.address] { connectionsPerAddress[c.address] = n > 1 ? n - 1 : nil }
        addressLock.withLock { addresses[c.id] = nil }
        delegate?.connectionClosed(c.id)
    }

    /// Closes from the writeable callback, where lws can still send the close frame; input that
    /// arrives meanwhile is ignored.
    func closeNow(_ c: Connection, _ code: CloseCode, _ reason: String) -> Int32 {
        logger.info("closing connection", metadata: ["connection": "\(c.id)", "code": "\(code.rawValue)", "reason": "\(reason)"])
        c.closing = (code, reason)
        lws_callback_on_writable(c.wsi)
        return 0
    }

    /// RFC 6455 §5.1: a server MUST close the connection on an unmasked client frame (1002).
    private func frameRefusal(_ wsi: OpaquePointer) -> (CloseCode, String)? {
        switch CLWS_frame_is_masked(wsi) {
        case 0: return (.protocolError, "client frames must be masked")
        case 1: return nil
        default:
            if !maskCheckWarned { logger.error("this libwebsockets build does not match the mask check; unmasked frames are not refused") }
            maskCheckWarned = true
            return nil
        }
    }

    static func connection(_ user: UnsafeMutableRawPointer?) -> Connection? {
        guard let user, let raw = user.load(as: UnsafeMutableRawPointer?.self) else { return nil }
        return Unmanaged<Connection>.fromOpaque(raw).takeUnretainedValue()
    }
}
