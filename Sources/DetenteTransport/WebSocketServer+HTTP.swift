import CLibWebSockets
import Foundation

/// Plain HTTP on the lws `http` protocol: the `/api`, `/healthz` and `/metrics` callbacks and
/// the refusals of websocket upgrades that are not ours.
extension WebSocketServer {
    func httpEvent(
        _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
        _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> Int32 {
        guard let wsi else { return 0 }
        switch reason {
        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
            if let refusal = upgradeRefusal(wsi) { return refuseUpgrade(wsi, refusal) }
            if connectionsPerAddress[clientAddress(wsi), default: 0] >= configuration.maxConnectionsPerAddress {
                return refuseUpgrade(wsi, UpgradePolicy.Refusal(status: 429, reason: "too many open connections from your address"))
            }
            return 0

        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            // A websocket must never bind to the plain HTTP protocol.
            logger.info("websocket upgrade refused: bound to the http protocol")
            return 1

        case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
            guard let input else { return 0 }
            return refuseFileOutsidePublic(wsi, String(cString: input.assumingMemoryBound(to: CChar.self)))

        case LWS_CALLBACK_HTTP:
            let exchange = HTTPExchange()
            exchanges[wsi] = exchange
            return begin(wsi, exchange)

        case LWS_CALLBACK_HTTP_BODY:
            guard let exchange = exchanges[wsi], let input else { return 0 }
            if exchange.body.count + length > configuration.maxMessageBytes {
                exchange.response = HTTPResponse(status: 413, contentType: "text/plain", body: "body too large\n")
                exchange.body = []
                return 0
            }
            if exchange.response == nil { exchange.body.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length)) }
            return 0

        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            // lws also reports completion for an explicit `Content-Length: 0`; such an exchange
            // was dispatched already.
            guard let exchange = exchanges[wsi], exchange.awaitingBody, !exchange.dispatched else { return 0 }
            return dispatch(wsi, exchange)

        case LWS_CALLBACK_CLOSED_HTTP, LWS_CALLBACK_HTTP_DROP_PROTOCOL:
            exchanges[wsi] = nil
            return 0

        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0

        default:
            return lws_callback_http_dummy(wsi, reason, user, input, length)
        }
    }

    /// Refuses files whose real path leaves Public/ (a symlink pointing outside).
    private func refuseFileOutsidePublic(_ wsi: OpaquePointer, _ uri: String) -> Int32 {
        if uri.hasPrefix("/api") || uri == "/healthz" || uri == "/metrics" || uri == Self.path { return 0 }
        let candidate = publicRoot + (uri.removingPercentEncoding ?? uri)
        let resolved = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
        if FileManager.default.fileExists(atPath: candidate), resolved != publicRoot, !resolved.hasPrefix(publicRoot + "/") {
            logger.warning("refused a file outside the public folder", metadata: ["uri": "\(uri.prefix(100))"])
            _ = lws_return_http_status(wsi, UInt32(HTTP_STATUS_FORBIDDEN.rawValue), nil)
            return -1
        }
        return 0
    }

    /// An answer prepared on another thread: sent unless the exchange ended meanwhile.
    func answer(_ wsi: OpaquePointer, _ exchange: HTTPExchange, _ response: HTTPResponse) {
        // The exchange may have ended (client gone) while the answer was being prepared.
        guard exchanges[wsi] === exchange, exchange.response == nil else { return }
        exchange.response = response
        // Answered inside the request's own callback: `dispatch` sends it on return.
        if exchange.insideCallback { return }
        _ = lws_rx_flow_control(wsi, 1)
        if !sendResponse(wsi, exchange) { lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC) }
    }

    /// Reads the request line and headers; answers at once what needs no body, else waits.
    private func begin(_ wsi: OpaquePointer, _ exchange: HTTPExchange) -> Int32 {
        let methods: [(String, lws_token_indexes)] = [
            ("GET", WSI_TOKEN_GET_URI), ("POST", WSI_TOKEN_POST_URI), ("PUT", WSI_TOKEN_PUT_URI),
            ("PATCH", WSI_TOKEN_PATCH_URI), ("DELETE", WSI_TOKEN_DELETE_URI),
            ("OPTIONS", WSI_TOKEN_OPTIONS_URI), ("HEAD", WSI_TOKEN_HEAD_URI)
        ]
        for (method, token) in methods {
            if let uri = Self.header(wsi, token) { exchange.method = method; exchange.path = uri; break }
        }
        exchange.query = Self.queryArguments(wsi)
        for (name, token) in [
            ("authorization", WSI_TOKEN_HTTP_AUTHORIZATION), ("host", WSI_TOKEN_HOST), ("origin", WSI_TOKEN_ORIGIN),
            ("content-type", WSI_TOKEN_HTTP_CONTENT_TYPE), ("x-forwarded-for", WSI_TOKEN_X_FORWARDED_FOR)
        ] {
            if let v = Self.header(wsi, token) { exchange.headers[name] = v }
        }
        exchange.remoteAddress = clientAddress(wsi)
        let declaredLength = Self.header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        if Self.header(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) != nil {
            // lws 4.1.6 does not decode chunked request bodies; the chunks left on the
            // connection would be read as the next request, so answer and hang up.
            exchange.closeAfter = true
            exchange.response = HTTPResponse(status: 411, contentType: "text/plain", body: "send the body with a Content-Length; chunked request bodies are not accepted\n")
        } else if declaredLength > configuration.maxMessageBytes {
            exchange.closeAfter = true
            exchange.response = HTTPResponse(status: 413, contentType: "text/plain", body: "body too large\n")
        } else if !["GET", "POST"].contains(exchange.method) {
            exchange.response = HTTPResponse(status: 405, contentType: "text/plain", body: "method not allowed\n", headers: [("allow:", "GET, POST")])
        }
        // Whatever the method, a declared body is read before answering, so that it is not
        // mistaken for the next request.
        if declaredLength > 0, !exchange.closeAfter {
            exchange.awaitingBody = true
            return 0
        }
        return dispatch(wsi, exchange)
    }

    /// Answers at once if the transport decided or the delegate answers synchronously; else stops
    /// reading the connection until the answer comes, so a pipelined request waits in lws's
    /// buffer instead of overwriting this one's headers.
    private func dispatch(_ wsi: OpaquePointer, _ exchange: HTTPExchange) -> Int32 {
        exchange.dispatched = true
        if exchange.response == nil { ask(wsi, exchange) }
        guard exchange.response != nil else {
            _ = lws_rx_flow_control(wsi, 0)
            return 0
        }
        return sendResponse(wsi, exchange) ? 0 : -1
    }

    private func ask(_ wsi: OpaquePointer, _ exchange: HTTPExchange) {
        let parts = exchange.path.split(separator: "?", maxSplits: 1)
        let request = HTTPRequest(
            method: exchange.method, path: parts.first.map(String.init) ?? exchange.path, query: exchange.query,
            headers: exchange.headers, body: exchange.body, remoteAddress: exchange.remoteAddress)
        guard let delegate else { exchange.response = .notFound; return }
        nonisolated(unsafe) let key = wsi
        nonisolated(unsafe) let pending = exchange
        exchange.insideCallback = true
        delegate.handle(request) { [weak self] response in
            self?.enqueue(.httpResponse(key, pending, response))
        }
        exchange.insideCallback = false
    }

    /// Writes the whole answer, headers and body, then ends the transaction: lws keeps what the
    /// socket does not take and completes the transaction once it is out. Returns false when the
    /// connection must close.
    func sendResponse(_ wsi: OpaquePointer, _ exchange: HTTPExchange) -> Bool {
        defer { exchanges[wsi] = nil }
        guard let response = exchange.response else { return false }
        // An answer to HEAD has no body (RFC 9110 §9.3.2), or it would be read as the next response.
        let body = exchange.method == "HEAD" ? [] : response.body
        guard writeHeaders(wsi, exchange, contentLength: body.count) else { return false }
        var buffer = [UInt8](repeating: 0, count: CLWS_pre())
        buffer.append(contentsOf: body)
        let n = buffer.withUnsafeMutableBufferPointer { buf in
            lws_write(wsi, buf.baseAddress! + CLWS_pre(), body.count, LWS_WRITE_HTTP_FINAL)
        }
        if n < 0 || exchange.closeAfter { return false }
        return lws_http_transaction_completed(wsi) == 0
    }

    private func writeHeaders(_ wsi: OpaquePointer, _ exchange: HTTPExchange, contentLength: Int) -> Bool {
        guard let response = exchange.response else { return false }
        var headers = [UInt8](repeating: 0, count: CLWS_pre() + 4096)
        let ok: Bool = headers.withUnsafeMutableBufferPointer { buf in
            let start = buf.baseAddress! + CLWS_pre()
            var p: UnsafeMutablePointer<UInt8>? = start
            let end = buf.baseAddress! + buf.count - 1
            if lws_add_http_common_headers(wsi, UInt32(response.status), response.contentType, lws_filepos_t(contentLength), &p, end) != 0 { return false }
            let framing: [(String, String)] = exchange.closeAfter ? [("connection:", "close")] : []
            for (name, value) in response.headers + [("cache-control:", "no-store")] + framing {
                let v = Array(value.utf8)
                if lws_add_http_header_by_name(wsi, name, v, Int32(v.count), &p, end) != 0 { return false }
            }
            return lws_finalize_write_http_header(wsi, start, &p, end) == 0
        }
        return ok
    }

    static func queryArguments(_ wsi: OpaquePointer) -> [String: String] {
        var out: [String: String] = [:]
        var index: Int32 = 0
        var buffer = [CChar](repeating: 0, count: 1024)
        while true {
            let n = lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index)
            if n < 0 { break }
            let arg = String(cString: buffer)
            let kv = arg.split(separator: "=", maxSplits: 1)
            if let k = kv.first {
                out[String(k)] = kv.count > 1 ? String(kv[1]).removingPercentEncoding ?? String(kv[1]) : ""
            }
            index += 1
        }
        return out
    }
}
