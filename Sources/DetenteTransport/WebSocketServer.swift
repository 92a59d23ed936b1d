import CLibWebSockets
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64
    public var description: String { "c\(raw)" }
}

/// WebSocket close codes the server uses.
public struct CloseCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let normal = CloseCode(rawValue: 1000)
    public static let goingAway = CloseCode(rawValue: 1001)
    public static let protocolError = CloseCode(rawValue: 1002)
    public static let invalidPayload = CloseCode(rawValue: 1007)
    public static let policyViolation = CloseCode(rawValue: 1008)
    public static let messageTooBig = CloseCode(rawValue: 1009)
    public static let tryAgainLater = CloseCode(rawValue: 1013)
}

/// What the application does with connections. Called on the service thread; keep it quick.
public protocol WebSocketServerDelegate: AnyObject, Sendable {
    func connectionOpened(_ id: ConnectionID)
    func received(_ text: String, from id: ConnectionID)
    func connectionClosed(_ id: ConnectionID)
    /// Answers an HTTP request; `respond` may be called later and from any thread (for
    /// example once a journal write is durable).
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void)
}

/// A frame shared by every connection it is sent to: encoded once, with the LWS_PRE headroom.
final class OutboundFrame {
    var storage: [UInt8]
    let length: Int
    init(_ text: String) {
        let pre = CLWS_pre()
        storage = [UInt8](repeating: 0, count: pre)
        storage.append(contentsOf: text.utf8)
        length = storage.count - pre
    }
}

final class Connection {
    let id: ConnectionID
    let wsi: OpaquePointer
    /// The client's address (see `RemoteAddress`), for limits per address.
    let address: String
    /// The application bound it to a seat (hello or join); until then a deadline runs.
    var identified = false
    var rx: [UInt8] = []
    var outbound: [OutboundFrame] = []
    var outboundHead = 0
    var queuedBytes = 0
    var tokens: Double
    var lastRefill: UInt64
    var violations = 0
    var closing: (CloseCode, String)?
    /// The peer sent a close frame: lws answers it; nothing more may be written.
    var peerClosed = false

    init(id: ConnectionID, wsi: OpaquePointer, address: String, burst: Double) {
        self.id = id
        self.wsi = wsi
        self.address = address
        self.tokens = burst
        self.lastRefill = DispatchTime.now().uptimeNanoseconds
    }
    var pendingFrames: Int { outbound.count - outboundHead }
}

/// The libwebsockets server: HTTP files and API, and the `/ws` endpoint (subprotocol `detente.v1`).
///
/// One service thread owns the lws context and every connection. Other threads hand work over
/// through a locked inbox and `lws_cancel_service`, which is the only lws call that is safe
/// from another thread; the inbox is drained in `LWS_CALLBACK_EVENT_WAIT_CANCELLED`.
public final class WebSocketServer: @unchecked Sendable {
    public static let subprotocol = "detente.v1"
    public static let path = "/ws"

    enum InboxItem {
        case send(OutboundFrame, [ConnectionID])
        case close(ConnectionID, CloseCode, String)
        case identified(ConnectionID)
        case httpResponse(OpaquePointer, HTTPExchange, HTTPResponse)
    }

    let configuration: TransportConfiguration
    let logger: Logger
    weak var delegate: WebSocketServerDelegate?

    private var context: OpaquePointer?
    private let contextLock = NSLock()
    private let inboxLock = NSLock()
    private var inbox: [InboxItem] = []
    /// Frames refused because the inbox was full (each closed its receivers with 1013).
    private(set) var overflowed = 0
    private var serviceThread: Thread?
    private var running = false
    private var stopRequested = false
    private let stoppedSemaphore = DispatchSemaphore(value: 0)
    private var serviceThreadID: pthread_t?

    // Owned by the service thread.
    private var connections: [ConnectionID: Connection] = [:]
    var exchanges: [OpaquePointer: HTTPExchange] = [:]
    private var nextConnection: UInt64 = 0
    var connectionsPerAddress: [String: Int] = [:]
    // Read from any thread (`remoteAddress(of:)`).
    private let addressLock = NSLock()
    private var addresses: [ConnectionID: String] = [:]
    private var shuttingDown = false

    // C memory that must outlive the context.
    private var cStrings: [UnsafeMutablePointer<CChar>] = []
    private var protocols: UnsafeMutablePointer<lws_protocols>?
    private var mounts: UnsafeMutablePointer<lws_http_mount>?
    private var headerOptions: UnsafeMutablePointer<lws_protocol_vhost_options>?
    private var mimeOptions: UnsafeMutablePointer<lws_protocol_vhost_options>?
    private var pvoDefault: UnsafeMutablePointer<lws_protocol_vhost_options>?
    private var retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>?
    private var extensions: UnsafeMutablePointer<lws_extension>?
    private(set) var publicRoot = ""

    public private(set) var boundPort = 0
    let upgradePolicy: UpgradePolicy
    let remoteAddress: RemoteAddress
    /// Set once lws's private layout was found not to match what the mask check expects.
    private var maskCheckWarned = false

    public init(configuration: TransportConfiguration, logger: Logger, delegate: WebSocketServerDelegate) {
        self.configuration = configuration
        self.logger = logger
        self.delegate = delegate
        let origins = OriginPolicy(allowedOrigins: configuration.allowedOrigins, publicOrigin: configuration.publicOrigin,
                                   bindHost: configuration.host, port: configuration.port, tls: configuration.tlsCertificate != nil)
        remoteAddress = RemoteAddress(trustedProxies: configuration.trustedProxies)
        upgradePolicy = UpgradePolicy(path: Self.path, subprotocol: Self.subprotocol, registeredProtocols: ["http", Self.subprotocol], origins: origins,
                                      requireSubprotocol: !configuration.conformanceEcho)
    }

    deinit { freeCMemory() }

    private func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
        let p = strdup(s)!
        cStrings.append(p)
        return p
    }

    // MARK: - start and stop

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates the context and starts the service thread.
    public func start() throws {
        Self.raiseFileDescriptorLimit(logger: logger)
        CLWS_set_log_level(Int32(LLL_ERR | LLL_WARN))
        publicRoot = URL(fileURLWithPath: configuration.publicDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        installProtocols()
        installMounts()
        installOptions()
        var info = contextInfo()
        guard let ctx = lws_create_context(&info) else {
            throw StartError(description: "libwebsockets could not create its context (is port \(configuration.port) on \(configuration.host) free?)")
        }
        contextLock.lock()
        context = ctx
        running = true
        contextLock.unlock()
        boundPort = configuration.port

        startServiceThread(ctx)
    }

    private func startServiceThread(_ ctx: OpaquePointer) {
        nonisolated(unsafe) let serviceContext = ctx
        let thread = Thread { [self] in self.serviceLoop(serviceContext) }
        thread.name = "detente-lws"
        thread.stackSize = 4 << 20
        serviceThread = thread
        thread.start()
    }

    /// lws's `http` protocol (files and the API mounts) and ours (`detente.v1`).
    private func installProtocols() {
        let protocolCount = 3
        protocols = UnsafeMutablePointer<lws_protocols>.allocate(capacity: protocolCount)
        protocols!.initialize(repeating: lws_protocols(), count: protocolCount)
        protocols![0].name = UnsafePointer(cString("http"))
        protocols![0].callback = { wsi, reason, user, input, length in httpTrampoline(wsi, reason, user, input, length) }
        protocols![1].name = UnsafePointer(cString(Self.subprotocol))
        protocols![1].callback = { wsi, reason, user, input, length in webSocketTrampoline(wsi, reason, user, input, length) }
        protocols![1].per_session_data_size = MemoryLayout<UnsafeMutableRawPointer>.size
        protocols![1].rx_buffer_size = 16 * 1024
    }

    /// The API and operations endpoints are callbacks; everything else is a file under Public/.
    private func installMounts() {
        let callbackMounts = ["/api", "/healthz", "/metrics"]
        mounts = UnsafeMutablePointer<lws_http_mount>.allocate(capacity: callbackMounts.count + 1)
        mounts!.initialize(repeating: lws_http_mount(), count: callbackMounts.count + 1)
        mimeOptions = Self.optionList([(".mjs", "text/javascript"), (".js", "text/javascript"), (".json", "application/json"),
                                       (".webmanifest", "application/manifest+json"), (".svg", "image/svg+xml"), (".map", "application/json")], cString)
        for (i, point) in callbackMounts.enumerated() {
            mounts![i].mountpoint = UnsafePointer(cString(point))
            mounts![i].mountpoint_len = UInt8(point.utf8.count)
            mounts![i].origin = UnsafePointer(cString("http"))
            mounts![i].origin_protocol = CLWS_mount_callback()
            mounts![i].mount_next = UnsafePointer(mounts! + i + 1)
        }
        let fileMount = callbackMounts.count
        mounts![fileMount].mountpoint = UnsafePointer(cString("/"))
        mounts![fileMount].mountpoint_len = 1
        mounts![fileMount].origin = UnsafePointer(cString(publicRoot))
        mounts![fileMount].def = UnsafePointer(cString("index.html"))
        mounts![fileMount].origin_protocol = CLWS_mount_file()
        mounts![fileMount].extra_mimetypes = UnsafePointer(mimeOptions)
        mounts![fileMount].cache_max_age = 0
        mounts![fileMount].mount_next = nil
    }

    /// Security headers, the echo harness's default protocol, keepalive.
    private func installOptions() {
        headerOptions = Self.optionList(configuration.securityHeaders, cString)
        if configuration.conformanceEcho {
            // An upgrade without a subprotocol binds to the vhost's default protocol: ours.
            let flag = Self.optionList([("default", "1")], cString)
            pvoDefault = Self.optionList([(Self.subprotocol, "")], cString)
            pvoDefault!.pointee.options = UnsafePointer(flag)
        }
        retryPolicy = UnsafeMutablePointer<lws_retry_bo_t>.allocate(capacity: 1)
        retryPolicy!.initialize(to: lws_retry_bo_t())
        retryPolicy!.pointee.secs_since_valid_ping = UInt16(configuration.pingAfterSeconds)
        retryPolicy!.pointee.secs_since_valid_hangup = UInt16(configuration.hangUpAfterSeconds)
    }

    private func contextInfo() -> lws_context_creation_info {
        var info = lws_context_creation_info()
        info.port = Int32(configuration.port)
        info.iface = UnsafePointer(cString(configuration.host))
        info.protocols = UnsafePointer(protocols)
        info.mounts = UnsafePointer(mounts)
        info.headers = UnsafePointer(headerOptions)
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        info.pvo = UnsafePointer(pvoDefault)
        if configuration.permessageDeflate {
            extensions = UnsafeMutablePointer<lws_extension>.allocate(capacity: 2)
            extensions!.initialize(repeating: lws_extension(), count: 2)
            extensions![0].name = UnsafePointer(cString("permessage-deflate"))
            extensions![0].callback = lws_extension_callback_pm_deflate
            extensions![0].client_offer = UnsafePointer(cString("permessage-deflate; client_max_window_bits"))
            info.extensions = UnsafePointer(extensions)
        }
        info.options = UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8) | UInt64(LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE) & 0
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.timeout_secs = 20
        info.vhost_name = UnsafePointer(cString("detente"))
        if let cert = configuration.tlsCertificate, let key = configuration.tlsKey {
            info.options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
            info.ssl_cert_filepath = UnsafePointer(cString(cert))
            info.ssl_private_key_filepath = UnsafePointer(cString(key))
        }
        return info
    }

    private func serviceLoop(_ ctx: OpaquePointer) {
        serviceThreadID = pthread_self()
        var closingSince: UInt64?
        while true {
            contextLock.lock()
            let stop = stopRequested
            contextLock.unlock()
            if stop {
                if closingSince == nil {
                    closingSince = DispatchTime.now().uptimeNanoseconds
                    shuttingDown = true
                    for c in connections.values {
                        c.closing = (.goingAway, "server shutting down")
                        lws_callback_on_writable(c.wsi)
                    }
                }
                // Give close frames up to a second to leave, then stop.
                if connections.isEmpty || DispatchTime.now().uptimeNanoseconds - closingSince! > 1_000_000_000 { break }
            }
            if lws_service(ctx, 0) < 0 { break }
        }
        contextLock.lock()
        running = false
        context = nil
        contextLock.unlock()
        lws_context_destroy(ctx)
        stoppedSemaphore.signal()
    }

    /// Stops accepting, closes every websocket with 1001, and waits for the service thread.
    public func shutdown() {
        contextLock.lock()
        guard running, !stopRequested else { contextLock.unlock(); return }
        stopRequested = true
        if let ctx = context { lws_cancel_service(ctx) }
        contextLock.unlock()
        stoppedSemaphore.wait()
    }

    private func freeCMemory() {
        for p in cStrings { free(p) }
        cStrings = []
        protocols?.deallocate()
        mounts?.deallocate()
        headerOptions?.deallocate()
        mimeOptions?.deallocate()
        if let flag = pvoDefault?.pointee.options { UnsafeMutablePointer(mutating: flag).deallocate() }
        pvoDefault?.deallocate()
        retryPolicy?.deallocate()
        extensions?.deallocate()
    }

    static func optionList(_ pairs: [(String, String)], _ cString: (String) -> UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<lws_protocol_vhost_options>? {
        guard !pairs.isEmpty else { return nil }
        let list = UnsafeMutablePointer<lws_protocol_vhost_options>.allocate(capacity: pairs.count)
        list.initialize(repeating: lws_protocol_vhost_options(), count: pairs.count)
        for (i, (name, value)) in pairs.enumerated() {
            list[i].name = UnsafePointer(cString(name))
            list[i].value = UnsafePointer(cString(value))
            list[i].next = i + 1 < pairs.count ? UnsafePointer(list + i + 1) : nil
        }
        return list
    }

    static func raiseFileDescriptorLimit(logger: Logger) {
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

    // MARK: - from any thread

    /// Queues `text` for each connection; encoded once, shared by all of them.
    public func send(_ text: String, to ids: [ConnectionID]) {
        guard !ids.isEmpty else { return }
        enqueue(.send(OutboundFrame(text), ids))
    }


    public func close(_ id: ConnectionID, code: CloseCode, reason: String) {
        enqueue(.close(id, code, reason))
    }

    /// The connection said hello or joined: its identification deadline no longer applies.
    public func identified(_ id: ConnectionID) {
        enqueue(.identified(id))
    }

    /// The client address of an open connection (after trusted-proxy resolution).
    public func remoteAddress(of id: ConnectionID) -> String? {
        addressLock.lock(); defer { addressLock.unlock() }
        return addresses[id]
    }

    func enqueue(_ item: InboxItem) {
        if let tid = serviceThreadID, pthread_equal(tid, pthread_self()) != 0 {
            // Already on the service thread: no hand-over needed.
            perform(item)
            return
        }
        inboxLock.lock()
        if inbox.count >= configuration.maxInboxItems, case let .send(_, ids) = item {
            // The service thread is not keeping up: rather than grow without bound, the frame's
            // receivers are closed with 1013 and resume by snapshot when they reconnect.
            for id in ids { inbox.append(.close(id, .tryAgainLater, "server overloaded; reconnect")) }
            overflowed += 1
        } else {
            inbox.append(item)
        }
        inboxLock.unlock()
        contextLock.lock()
        if let ctx = context { lws_cancel_service(ctx) }
        contextLock.unlock()
    }

    // MARK: - on the service thread

    func drainInbox() {
        inboxLock.lock()
        let items = inbox
        inbox.removeAll(keepingCapacity: true)
        inboxLock.unlock()
        for item in items { perform(item) }
    }

    private func perform(_ item: InboxItem) {
        switch item {
        case let .send(frame, ids):
            for id in ids {
                guard let c = connections[id], c.closing == nil, !c.peerClosed else { continue }
                c.outbound.append(frame)
                c.queuedBytes += frame.length
                if c.pendingFrames > configuration.maxQueuedFrames || c.queuedBytes > configuration.maxQueuedBytes {
                    // A slow consumer is dropped rather than allowed to grow memory without bound.
                    logger.warning("dropping slow consumer", metadata: ["connection": "\(id)", "queued_frames": "\(c.pendingFrames)", "queued_bytes": "\(c.queuedBytes)"])
                    c.outbound.removeAll()
                    c.outboundHead = 0
                    c.queuedBytes = 0
                    c.closing = (.tryAgainLater, "slow consumer: too many unsent messages")
                }
                lws_callback_on_writable(c.wsi)
            }
        case let .identified(id):
            connections[id]?.identified = true
        case let .close(id, code, reason):
            guard let c = connections[id] else { return }
            c.closing = (code, reason)
            lws_callback_on_writable(c.wsi)
        case let .httpResponse(wsi, exchange, response):
            // The exchange may have ended (client gone) while the answer was being prepared.
            guard exchanges[wsi] === exchange, exchange.response == nil else { return }
            exchange.response = response
            // Answered inside the request's own callback: `dispatch` sends it on return.
            if exchange.insideCallback { return }
            _ = lws_rx_flow_control(wsi, 1)
            if !sendResponse(wsi, exchange) { lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC) }
        }
    }

    fileprivate func webSocketEvent(_ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
                                    _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            // Already checked at LWS_CALLBACK_HTTP_CONFIRM_UPGRADE; checked again so that no
            // other path into this protocol can skip it.
            guard let wsi, !shuttingDown, upgradeRefusal(wsi) == nil else { return 1 }
            return 0

        case LWS_CALLBACK_ESTABLISHED:
            guard let wsi, let user else { return -1 }
            nextConnection += 1
            let c = Connection(id: ConnectionID(raw: nextConnection), wsi: wsi, address: clientAddress(wsi), burst: configuration.messageBurst)
            user.storeBytes(of: Unmanaged.passRetained(c).toOpaque(), as: UnsafeMutableRawPointer.self)
            connections[c.id] = c
            connectionsPerAddress[c.address, default: 0] += 1
            addressLock.lock(); addresses[c.id] = c.address; addressLock.unlock()
            lws_set_timer_usecs(wsi, lws_usec_t(configuration.identifyWithinSeconds) * 1_000_000)
            delegate?.connectionOpened(c.id)
            return 0

        case LWS_CALLBACK_TIMER:
            guard let c = Self.connection(user), !c.identified, c.closing == nil else { return 0 }
            return closeNow(c, .policyViolation, "say hello or join within \(configuration.identifyWithinSeconds) s of connecting")

        case LWS_CALLBACK_RECEIVE:
            guard let wsi, let c = Self.connection(user) else { return -1 }
            if c.closing != nil { return 0 }
            if let refusal = frameRefusal(wsi) { return closeNow(c, refusal.0, refusal.1) }
            if lws_frame_is_binary(wsi) != 0 {
                return closeNow(c, .invalidPayload, "binary frames are not accepted; send JSON text")
            }
            if c.rx.count + length > configuration.maxMessageBytes {
                c.rx = []
                return closeNow(c, .messageTooBig, "message larger than \(configuration.maxMessageBytes) bytes")
            }
            if let input, length > 0 {
                c.rx.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
            }
            guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }
            let message = String(decoding: c.rx, as: UTF8.self)
            c.rx.removeAll(keepingCapacity: c.rx.capacity <= 16 * 1024)
            if !takeToken(c) {
                c.violations += 1
                if c.violations > configuration.rateViolationsBeforeClose {
                    return closeNow(c, .policyViolation, "rate limit exceeded repeatedly")
                }
                perform(.send(OutboundFrame(#"{"type":"error","code":"rate_limited","message":"too many messages; slow down (limit \#(Int(configuration.messagesPerSecond))/s)"}"#), [c.id]))
                return 0
            }
            delegate?.received(message, from: c.id)
            return 0

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            if let c = Self.connection(user) {
                c.peerClosed = true
                c.outbound.removeAll()
                c.outboundHead = 0
                c.queuedBytes = 0
            }
            return 0

        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let wsi, let c = Self.connection(user) else { return -1 }
            if c.peerClosed { return 0 }
            if let (code, reason) = c.closing, c.pendingFrames == 0 || code != .normal {
                var bytes = Array(reason.utf8.prefix(120))
                CLWS_close_reason(wsi, code.rawValue, &bytes, bytes.count)
                return -1
            }
            // Write as long as the socket takes frames without buffering inside lws.
            var budget = 64
            while c.outboundHead < c.outbound.count, budget > 0 {
                let frame = c.outbound[c.outboundHead]
                let pre = CLWS_pre()
                let n = frame.storage.withUnsafeMutableBufferPointer { buf in
                    lws_write(wsi, buf.baseAddress! + pre, frame.length, LWS_WRITE_TEXT)
                }
                if n < 0 { return -1 }
                c.outboundHead += 1
                c.queuedBytes -= frame.length
                budget -= 1
                if lws_send_pipe_choked(wsi) != 0 { break }
            }
            if c.outboundHead == c.outbound.count {
                c.outbound.removeAll(keepingCapacity: c.outbound.capacity <= 64)
                c.outboundHead = 0
            } else if c.outboundHead > 1024 {
                c.outbound.removeFirst(c.outboundHead)
                c.outboundHead = 0
            }
            if c.pendingFrames > 0 || c.closing != nil { lws_callback_on_writable(wsi) }
            return 0

        case LWS_CALLBACK_CLOSED:
            guard let user, let raw = user.load(as: UnsafeMutableRawPointer?.self) else { return 0 }
            let c = Unmanaged<Connection>.fromOpaque(raw).takeRetainedValue()
            user.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
            connections[c.id] = nil
            if let n = connectionsPerAddress[c.address] { connectionsPerAddress[c.address] = n > 1 ? n - 1 : nil }
            addressLock.lock(); addresses[c.id] = nil; addressLock.unlock()
            delegate?.connectionClosed(c.id)
            return 0

        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0

        default:
            return 0
        }
    }

    /// Closes from the writeable callback, where lws can still send the close frame; input that
    /// arrives meanwhile is ignored.
    private func closeNow(_ c: Connection, _ code: CloseCode, _ reason: String) -> Int32 {
        logger.info("closing connection", metadata: ["connection": "\(c.id)", "code": "\(code.rawValue)", "reason": "\(reason)"])
        c.closing = (code, reason)
        lws_callback_on_writable(c.wsi)
        return 0
    }

    private func takeToken(_ c: Connection) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        let elapsed = Double(now - c.lastRefill) / 1e9
        c.lastRefill = now
        c.tokens = min(configuration.messageBurst, c.tokens + elapsed * configuration.messagesPerSecond)
        guard c.tokens >= 1 else { return false }
        c.tokens -= 1
        return true
    }

    /// The upgrade policy's verdict on this request's headers.
    func upgradeRefusal(_ wsi: OpaquePointer) -> UpgradePolicy.Refusal? {
        upgradePolicy.refusal(upgrade: Self.header(wsi, WSI_TOKEN_UPGRADE) ?? "", uri: Self.header(wsi, WSI_TOKEN_GET_URI) ?? "",
                              origin: Self.header(wsi, WSI_TOKEN_ORIGIN), offered: Self.header(wsi, WSI_TOKEN_PROTOCOL))
    }

    /// Answers a refused upgrade with its status and a short plain-text reason.
    func refuseUpgrade(_ wsi: OpaquePointer, _ refusal: UpgradePolicy.Refusal) -> Int32 {
        logger.info("websocket upgrade refused", metadata: ["status": "\(refusal.status)", "reason": "\(refusal.reason)"])
        return lws_return_http_status(wsi, UInt32(refusal.status), refusal.reason) != 0 ? -1 : 1
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

    /// The client's address: the peer, or what a trusted proxy forwarded.
    func clientAddress(_ wsi: OpaquePointer) -> String {
        remoteAddress.resolve(peer: Self.peerAddress(wsi), forwardedFor: Self.header(wsi, WSI_TOKEN_X_FORWARDED_FOR))
    }

    /// The TCP peer's numeric address; an IPv4 peer on a dual-stack socket loses its `::ffff:`.
    static func peerAddress(_ wsi: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard lws_get_peer_simple(wsi, &buffer, buffer.count) != nil else { return "" }
        let text = String(cString: buffer)
        return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
    }

    static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(cString: buffer)
    }
}

// Non-capturing C callbacks: they find the server through the context's user pointer.
private func server(of wsi: OpaquePointer?) -> WebSocketServer? {
    guard let wsi, let ctx = lws_get_context(wsi), let user = lws_context_user(ctx) else { return nil }
    return Unmanaged<WebSocketServer>.fromOpaque(user).takeUnretainedValue()
}

private func webSocketTrampoline(_ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
                                 _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
    guard let server = server(of: wsi) else { return 0 }
    return server.webSocketEvent(wsi, reason, user, input, length)
}

private func httpTrampoline(_ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
                            _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
    guard let server = server(of: wsi) else { return lws_callback_http_dummy(wsi, reason, user, input, length) }
    return server.httpEvent(wsi, reason, user, input, length)
}
