import CLibWebSockets
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The libwebsockets server: HTTP files and API, and the `/ws` endpoint (subprotocol `detente.v1`).
///
/// One service thread owns the lws context and every connection. Other threads hand work over
/// through the `Inbox` and `lws_cancel_service`, which is the only lws call that is safe from
/// another thread; the inbox is drained in `LWS_CALLBACK_EVENT_WAIT_CANCELLED`.
public final class WebSocketServer: @unchecked Sendable {
    public static let subprotocol = "detente.v1"
    public static let path = "/ws"

    let configuration: TransportConfiguration
    let logger: Logger
    weak var delegate: WebSocketServerDelegate?

    private var context: OpaquePointer?
    private let contextLock = NSLock()
    let inbox: Inbox
    /// Frames refused because the inbox was full (each closed its receivers with 1013).
    var overflowed: Int { inbox.overflowed }
    private var serviceThread: Thread?
    private var running = false
    private var stopRequested = false
    private let stoppedSemaphore = DispatchSemaphore(value: 0)
    private var serviceThreadID: pthread_t?

    // Owned by the service thread.
    var connections: [ConnectionID: Connection] = [:]
    var exchanges: [OpaquePointer: HTTPExchange] = [:]
    var nextConnection: UInt64 = 0
    var connectionsPerAddress: [String: Int] = [:]
    var shuttingDown = false
    /// Set once lws's private layout was found not to match what the mask check expects.
    var maskCheckWarned = false
    /// Where batches are assembled: one buffer for every connection (lws copies what the socket
    /// does not take at once).
    var batchBuffer: [UInt8] = []
    /// Broadcast recipients waiting for their turn to be written.
    var writePacing: WritePacing
    /// False with DETENTE_BROADCAST_PER_PASS=0: every frame asks for WRITEABLE at once.
    let paces: Bool
    /// Connections with an answer queued and not written yet (`Connection.answerPending`).
    var pendingAnswers = 0
    // Read from any thread (`remoteAddress(of:)`).
    let addressLock = NSLock()
    var addresses: [ConnectionID: String] = [:]

    /// The C memory behind the context; kept until the server goes, after the context.
    private var lwsContext: LWSContext?
    var publicRoot: String { lwsContext?.publicRoot ?? "" }

    public private(set) var boundPort = 0
    let upgradePolicy: UpgradePolicy
    let remoteAddress: RemoteAddress

    public init(configuration: TransportConfiguration, logger: Logger, delegate: WebSocketServerDelegate) {
        self.configuration = configuration
        self.logger = logger
        self.delegate = delegate
        inbox = Inbox(capacity: configuration.maxInboxItems)
        paces = configuration.broadcastConnectionsPerPass > 0
        writePacing = WritePacing(connectionsPerPass: max(1, configuration.broadcastConnectionsPerPass))
        let origins = OriginPolicy(
            allowedOrigins: configuration.allowedOrigins, publicOrigin: configuration.publicOrigin,
            bindHost: configuration.host, port: configuration.port, tls: configuration.tlsCertificate != nil)
        remoteAddress = RemoteAddress(trustedProxies: configuration.trustedProxies)
        upgradePolicy = UpgradePolicy(
            path: Self.path, subprotocol: Self.subprotocol, registeredProtocols: ["http", Self.subprotocol], origins: origins,
            requireSubprotocol: !configuration.conformanceEcho)
    }

    // MARK: - start and stop

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates the context and starts the service thread.
    public func start() throws {
        FileDescriptorLimit.raise(logger: logger)
        CLWS_set_log_level(Int32(LLL_ERR | LLL_WARN))
        let root = URL(fileURLWithPath: configuration.publicDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let owner = LWSContext(configuration: configuration, publicRoot: root)
        lwsContext = owner
        guard let ctx = owner.create(user: Unmanaged.passUnretained(self).toOpaque()) else {
            throw StartError(description: "libwebsockets could not create its context (is port \(configuration.port) on \(configuration.host) free?)")
        }
        contextLock.withLock {
            context = ctx
            running = true
        }
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

    private func serviceLoop(_ ctx: OpaquePointer) {
        serviceThreadID = pthread_self()
        var closingSince: UInt64?
        let trace = StageTrace.shared
        while true {
            if contextLock.withLock({ stopRequested }) {
                if closingSince == nil {
                    closingSince = DispatchTime.now().uptimeNanoseconds
                    closeAllForShutdown()
                }
                // Give close frames up to a second to leave, then stop.
                if connections.isEmpty || DispatchTime.now().uptimeNanoseconds - closingSince! > 1_000_000_000 { break }
            }
            // A hand-over wakes this thread only when it finds the inbox empty; one made before
            // the context existed woke nobody, so the loop looks before it waits.
            if !inbox.isEmpty { drainInbox() }
            let before = trace == nil ? 0 : StageTrace.now()
            if lws_service(ctx, 0) < 0 { break }
            releasePacedWrites(ctx)
            if let trace {
                trace.serviceCalls += 1
                trace.serviceNanos += StageTrace.now() - before
            }
        }
        contextLock.withLock {
            running = false
            context = nil
        }
        lws_context_destroy(ctx)
        stoppedSemaphore.signal()
    }

    private func closeAllForShutdown() {
        shuttingDown = true
        for c in connections.values {
            c.closing = (.goingAway, "server shutting down")
            lws_callback_on_writable(c.wsi)
        }
    }

    /// Stops accepting, closes every websocket with 1001, and waits for the service thread.
    public func shutdown() {
        let stopping = contextLock.withLock { () -> Bool in
            guard running, !stopRequested else { return false }
            stopRequested = true
            if let ctx = context { lws_cancel_service(ctx) }
            return true
        }
        if stopping { stoppedSemaphore.wait() }
    }

    // MARK: - from any thread

    /// Queues `text` for each connection; encoded once, shared by all of them.
    public func send(_ text: String, to ids: [ConnectionID]) {
        guard !ids.isEmpty else { return }
        enqueue(.send(OutboundFrame(text), ids))
    }

    /// Queues several messages at once, in order; each encoded once and shared.
    public func send(_ messages: [(String, [ConnectionID])]) { send(messages, firstIsAnswer: false, trace: nil) }

    /// One command's messages (see `FrameTransport`); a traced command's frames carry its trace.
    public func send(_ messages: [(String, [ConnectionID])], firstIsAnswer: Bool, trace: CommandTrace?) {
        let answers = firstIsAnswer && messages.first.map { !$0.1.isEmpty } == true
        let frames = messages.compactMap { text, ids in ids.isEmpty ? nil : (OutboundFrame(text), ids) }
        if let trace, answers { attach(trace, to: frames) }
        if !frames.isEmpty { enqueue(.sendAll(frames, firstIsAnswer: answers)) }
    }

    public func close(_ id: ConnectionID, code: CloseCode, reason: String) {
        enqueue(.close(id, code, reason))
    }

    /// The connection said hello or joined: its identification deadline no longer applies.
    public func identified(_ id: ConnectionID) {
        enqueue(.identified(id))
    }

    /// The client asked for batches (`"batch": true` in `hello` or `join`): from now on several
    /// pending messages may reach it as one frame holding a JSON array (docs/PROTOCOL.md).
    public func acceptBatches(_ id: ConnectionID) {
        enqueue(.batching(id))
    }

    /// The client address of an open connection (after trusted-proxy resolution).
    public func remoteAddress(of id: ConnectionID) -> String? {
        addressLock.withLock { addresses[id] }
    }

    func enqueue(_ item: Inbox.Item) {
        if let tid = serviceThreadID, pthread_equal(tid, pthread_self()) != 0 {
            // Already on the service thread: no hand-over needed.
            perform(item)
            return
        }
        // One wake-up per drain, not per hand-over: at 10,000 commands a second the others were
        // as many pipe writes and poll returns for nothing.
        guard inbox.put(item) else { return }
        contextLock.withLock {
            if let ctx = context { lws_cancel_service(ctx) }
        }
    }

    // MARK: - on the service thread

    func drainInbox() {
        for item in inbox.takeAll() { perform(item) }
    }

    private func perform(_ item: Inbox.Item) {
        switch item {
        case let .send(frame, ids):
            frame.trace?.stamp(.taken)
            for id in ids { queue(frame, for: id, paced: ids.count > 1) }
        case let .sendAll(messages, firstIsAnswer):
            messages.first?.0.trace?.stamp(.taken)
            for (i, (frame, ids)) in messages.enumerated() {
                let paced = i > 0 || !firstIsAnswer
                for id in ids { queue(frame, for: id, paced: paced) }
            }
        case let .identified(id):
            connections[id]?.identified = true
        case let .batching(id):
            connections[id]?.batches = true
        case let .close(id, code, reason):
            guard let c = connections[id] else { return }
            c.closing = (code, reason)
            lws_callback_on_writable(c.wsi)
        case let .httpResponse(wsi, exchange, response):
            answer(wsi, exchange, response)
        }
    }

    /// Queues a frame for one connection, dropping it as a slow consumer past the caps. An
    /// answer asks for the WRITEABLE callback at once; a broadcast (`paced`) waits its turn in
    /// `writePacing`.
    func queue(_ frame: OutboundFrame, for id: ConnectionID, paced: Bool = false) {
        guard let c = connections[id], c.acceptsFrames else { return }
        if !c.outbound.append(frame) {
            // A slow consumer is dropped rather than allowed to grow memory without bound.
            logger.warning(
                "dropping slow consumer",
                metadata: [
                    "connection": "\(id)", "queued_frames": "\(c.outbound.pendingFrames)",
                    "queued_bytes": "\(c.outbound.queuedBytes)"
                ])
            c.outbound.removeAll()
            c.closing = (.tryAgainLater, "slow consumer: too many unsent messages")
        } else if !paces {
            // Unpaced (A/B measurements): nothing waits and nothing yields.
        } else if paced {
            if !c.awaitingRelease {
                c.awaitingRelease = true
                writePacing.wait(id)
            }
            return
        } else {
            if !c.answerPending {
                c.answerPending = true
                pendingAnswers += 1
            }
            writePacing.answerRequested()
        }
        lws_callback_on_writable(c.wsi)
    }

    /// Between lws passes: asks for the WRITEABLE callbacks of the broadcast recipients whose
    /// turn has come (`WritePacing`).
    private func releasePacedWrites(_ ctx: OpaquePointer) {
        for id in writePacing.release() {
            guard let c = connections[id] else { continue }
            c.awaitingRelease = false
            lws_callback_on_writable(c.wsi)
        }
        // The rest go after the next pass: wake it even if every released socket is choked.
        if writePacing.backlog > 0 { lws_cancel_service(ctx) }
    }
}
