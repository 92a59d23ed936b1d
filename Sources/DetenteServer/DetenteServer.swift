import DetenteCore
import DetenteJournal
import DetenteTransport
import Foundation
import Logging
import Metrics

public struct ServerConfiguration: Sendable {
    public var transport = TransportConfiguration()
    public var sessionsDirectory = "Sessions"
    /// The organiser token (from DETENTE_ORGANISER_TOKEN, or generated at start-up).
    public var organiserToken: String
    /// Test hook (DETENTE_TEST_SLOW_DRAFT_MS): each draft waits this long, to prove that a slow
    /// workshop delays no other.
    public var slowDraftMillis = 0
    public var abuse = AbuseLimits()
    public var metrics = MetricsAccess()
    /// Shared storage behind a proxy that routes each workshop to one node: a node asked for a
    /// workshop another holds asks that node to hand it over (DETENTE_HAND_OVER=1). Off, it only
    /// answers the retryable error, so clients sent to two nodes never make them trade it.
    public var handOverOnRequest = false
    /// Lazy start-up: ended workshops are opened on first use, not at start-up (docs/STORAGE.md).
    public var openEndedWorkshopsOnFirstUse = true
    /// Files one journal batch syncs at once. A batch holds one file per workshop with work
    /// queued; with 8 (the journal's default) the 19 workshops of one burst in the 10,000
    /// connection bench synced in three rounds of ~10 ms each (docs/PERFORMANCE.md). Threads
    /// start only when a batch needs them.
    public var journalSyncThreads = 32
    public init(organiserToken: String) { self.organiserToken = organiserToken }

    public var baseURL: String {
        let scheme = transport.tlsCertificate == nil ? "http" : "https"
        let host = transport.host == "0.0.0.0" || transport.host == "::" ? "127.0.0.1" : transport.host
        return "\(scheme)://\(host):\(transport.port)"
    }
}

/// The composition: routes each frame to its workshop's queue, asks the core to decide, hands
/// the events to the journal, and once they are durable applies them and delivers each viewer's
/// frames.
///
/// Threads: the transport's service thread only parses and routes; everything about a workshop
/// runs on that workshop's serial queue (`Room.queue`); the registry below (who is connected,
/// tokens, join codes) is guarded by one short lock that is never held while deciding.
///
/// - Important: Nothing reaches any client before its events are durable: replies and
///   broadcasts are sent from the journal's completion.
public final class DetenteServer: WebSocketServerDelegate, @unchecked Sendable {
    struct Session {
        var workshop: String?
        var actor: Actor?
        var organiser = false
        /// A `hello` is being handled on the seating queue: commands sent right behind it wait
        /// there for it, so a client need not wait for its `welcome` before its first command.
        var helloPending = false
    }

    enum Credential { case facilitator(String), participant(String, ParticipantID) }

    let configuration: ServerConfiguration
    let logger: Logger
    /// The journal: files by default, or PostgreSQL (`ServerConfiguration.storage`).
    let writer: any JournalStorage
    let organiserTokenHash: String
    let abuse: AbuseGuard
    public let metricsText: @Sendable () -> String
    private var _transport: FrameTransport?
    /// Builds the transport at start-up; tests pass a fake.
    private let makeTransport: @Sendable (ServerConfiguration, Logger, DetenteServer) -> FrameTransport
    var transport: FrameTransport { _transport! }

    /// Guards the registry only: rooms, codes, credentials, sessions.
    let registry = NSLock()
    var rooms: [String: Room] = [:]
    var byCode: [String: String] = [:]
    var credentials: [String: Credential] = [:]
    var sessions: [ConnectionID: Session] = [:]
    /// Workshops in shared storage that another node owns (see DetenteServer+Ownership).
    var ownedElsewhere: Set<String> = []
    /// Ended workshops known only by their routing index, replayed on first use (DetenteServer+Dormant).
    var dormant: [String: RoutingIndex] = [:]
    /// Participant token hash → dormant workshop (their participant ids are sealed; known once woken).
    var dormantTokens: [String: String] = [:]
    /// Where `hello` and `join` run: token and code look-ups may reach the shared database (and a
    /// take-over replays a workshop), which must never hold up the transport's I/O thread.
    let seating = DispatchQueue(label: "detente-seating")
    /// Serialises taking workshops over from other nodes; guards `releaseAsked`.
    let adoptions = NSLock()
    /// When this node last asked the owner of a workshop to hand it over (uptime ns).
    var releaseAsked: [String: UInt64] = [:]
    private var ticker: DispatchSourceTimer?
    private var presenceTimer: DispatchSourceTimer?
    let clock: @Sendable () -> Int64

    let connectionsGauge = Gauge(label: "detente_connections")
    /// Workshops this node serves (with PostgreSQL: holds the advisory lock of).
    let ownedGauge = Gauge(label: "detente_workshops_owned")
    let messagesIn = Counter(label: "detente_messages_in_total")
    let messagesOut = Counter(label: "detente_messages_out_total")
    let errorsOut = Counter(label: "detente_errors_total")
    let fsyncTimer = Metrics.Timer(label: "detente_journal_fsync_seconds")

    public init(
        configuration: ServerConfiguration, logger: Logger, metricsText: @escaping @Sendable () -> String = { "" },
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        journalFiles: JournalFiles = PosixJournalFiles(),
        storage: (any JournalStorage)? = nil,
        transport makeTransport: @escaping @Sendable (ServerConfiguration, Logger, DetenteServer) -> FrameTransport = { config, logger, server in
            WebSocketServer(configuration: config.transport, logger: logger, delegate: server)
        }
    ) {
        self.makeTransport = makeTransport
        self.configuration = configuration
        self.logger = logger
        self.metricsText = metricsText
        self.clock = clock
        self.writer =
            storage
            ?? JournalWriter(
                directory: configuration.sessionsDirectory, logger: logger, files: journalFiles, syncThreads: configuration.journalSyncThreads)
        self.organiserTokenHash = Secrets.hash(configuration.organiserToken)
        self.abuse = AbuseGuard(configuration.abuse)
    }

    // MARK: - lifecycle

    /// Prepares the journal (locks the sessions folder, or connects to PostgreSQL), replays every
    /// journal this node may serve, then starts the journal writer, the clock and the transport.
    public func start() throws {
        try writer.prepare()
        let started = DispatchTime.now().uptimeNanoseconds
        let eventCount = try replayAll()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        logger.info(
            "replayed journals",
            metadata: [
                "workshops": "\(rooms.count)", "dormant": "\(dormant.count)", "events": "\(eventCount)",
                "seconds": "\(String(format: "%.3f", seconds))"
            ])
        let timer = fsyncTimer
        let stages = StageTrace.shared
        writer.onFsync = { seconds, _ in
            timer.recordNanoseconds(Int64(seconds * 1e9))
            stages?.recordFsync(seconds: seconds)
        }
        writer.setReleaseHandler { [weak self] workshop in self?.handOver(workshop) }
        writer.start()
        _transport = makeTransport(configuration, logger, self)
        try transport.start()
        ticker = repeating(every: .seconds(1), label: "detente-clock") { [weak self] in self?.tick() }
        presenceTimer = repeating(every: .milliseconds(250), label: "detente-presence") { [weak self] in self?.flushPresence() }
        logger.info("serving", metadata: ["url": "\(configuration.baseURL)", "sessions": "\(configuration.sessionsDirectory)"])
    }

    /// Replays every journal that has not ended, several at a time (both cores), and registers
    /// the rooms; ended ones stay dormant (only their codes and token hashes are read) until
    /// first use (see `DetenteServer+Dormant`).
    private func replayAll() throws -> Int {
        let all = try writer.workshopIDs()
        let indexLock = NSLock()
        nonisolated(unsafe) var indexes: [RoutingIndex] = []
        DispatchQueue.concurrentPerform(iterations: all.count) { i in
            guard configuration.openEndedWorkshopsOnFirstUse, let index = writer.routingIndexIfEnded(all[i]) else { return }
            indexLock.withLock { indexes.append(index) }
        }
        registerDormant(indexes)
        let dormantIDs = Set(indexes.map(\.workshop))
        let ids = all.filter { !dormantIDs.contains($0) }
        // Shared storage: take nothing at start-up. A workshop is taken (advisory lock, replay)
        // by the node its first client reaches, so a starting node neither holds workshops the
        // proxy routes elsewhere nor one lock per stored workshop (PostgreSQL's lock table).
        if writer.isShared {
            registerOwnedElsewhere(ids)
            return 0
        }
        let lock = NSLock()
        nonisolated(unsafe) var loaded: [(SessionStore.Loaded, Workshop)] = []
        nonisolated(unsafe) var failure: Error?
        nonisolated(unsafe) var elsewhere: [String] = []
        DispatchQueue.concurrentPerform(iterations: ids.count) { i in
            do {
                let l = try writer.openForServing(ids[i], logger: logger)
                let w = try Workshop.replay(l.events)
                lock.withLock { loaded.append((l, w)) }
            } catch let error as JournalError where error.code == .ownedElsewhere {
                lock.withLock { elsewhere.append(ids[i]) }
            } catch let error as Workshop.ReplayFailure {
                logger.error("journal could not be replayed; skipped", metadata: ["workshop": "\(ids[i])", "error": "\(error)"])
            } catch {
                lock.withLock { failure = error }
            }
        }
        if let failure { throw failure }
        for (l, w) in loaded { register(Room(workshop: w, names: l.names)) }
        registerOwnedElsewhere(elsewhere)
        return loaded.reduce(0) { $0 + $1.0.records.count }
    }

    private func repeating(every interval: DispatchTimeInterval, label: String, _ body: @escaping @Sendable () -> Void) -> DispatchSourceTimer {
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: label))
        t.schedule(deadline: .now() + interval, repeating: interval)
        t.setEventHandler(handler: body)
        t.resume()
        return t
    }

    /// Stops accepting, closes connections with 1001, and flushes the journal.
    public func shutdown() {
        ticker?.cancel()
        presenceTimer?.cancel()
        _transport?.shutdown()
        writer.shutdown()
        StageTrace.shared?.write()
        logger.info("stopped; journal flushed")
    }

    func register(_ room: Room) {
        registry.withLock {
            let w = room.committed
            rooms[w.id] = room
            byCode[w.setup.joinCode] = w.id
            credentials[w.setup.facilitatorTokenHash] = .facilitator(w.id)
            for p in w.participants.values { credentials[p.tokenHash] = .participant(w.id, p.id) }
            ownedGauge.record(rooms.count)
        }
    }

    /// The workshops this node serves, dormant ones included.
    public var workshopIDs: [String] { registry.withLock { Set(rooms.keys).union(dormant.keys).sorted() } }

    // MARK: - websocket frames

    public func connectionOpened(_ id: ConnectionID) {
        let count = registry.withLock {
            sessions[id] = Session(); return sessions.count
        }
        connectionsGauge.record(count)
    }

    public func connectionClosed(_ id: ConnectionID) {
        let (session, count) = registry.withLock { (sessions.removeValue(forKey: id), sessions.count) }
        connectionsGauge.record(count)
        if let wid = session?.workshop, let room = registry.withLock({ rooms[wid] }) {
            room.queue.async {
                room.viewers.removeValue(forKey: id)
                room.presenceDirty = true
            }
        }
    }

    /// On the service thread: parse, then hand over to the workshop's queue.
    public func received(_ text: String, from id: ConnectionID) {
        messagesIn.increment()
        let json: JSON
        do { json = try JSONParser.parse(text) } catch {
            return reply(id, error: DetenteError(.badJSON, "invalid JSON at byte \(error.offset): \(error.reason)"), ref: nil)
        }
        let ref = json["ref"]
        let clientID: String?
        switch json["client_id"] {
        case nil, .null?: clientID = nil
        case let .string(c)? where (1...64).contains(c.utf8.count): clientID = c
        default: return reply(id, error: DetenteError(.badMessage, "'client_id' must be a string of 1 to 64 bytes"), ref: ref)
        }
        let message: ClientMessage
        do { message = try ClientMessage.parse(json) } catch { return reply(id, error: error, ref: ref) }
        if ClientMessage.asksForBatches(json) { transport.acceptBatches(id) }
        switch message {
        case .ping:
            send(id, ["type": "pong", "ref": ref ?? .null])
        case let .hello(token):
            registry.withLock { sessions[id]?.helloPending = true }
            seating.async {
                self.hello(id, token: token, ref: ref)
                self.registry.withLock { self.sessions[id]?.helloPending = false }
            }
        case let .create(organiserToken, title, departments, template, k):
            create(id, organiserToken: organiserToken, title: title, departments: departments, template: template, k: k, ref: ref)
        case let .join(code, name, department):
            seating.async { self.join(id, code: code, name: name, department: department, ref: ref) }
        case let .command(command):
            let trace = StageTrace.begin()
            if registry.withLock({ sessions[id]?.helloPending == true }) {
                return seating.async { self.route(command, from: id, ref: ref, clientID: clientID) }
            }
            route(command, from: id, ref: ref, clientID: clientID, trace: trace)
        }
    }

    /// Hands a command to its workshop's queue, behind everything already queued there for it
    /// (the seat's binding included).
    private func route(_ command: Command, from id: ConnectionID, ref: JSON?, clientID: String?, trace: CommandTrace? = nil) {
        let seat = registry.withLock { () -> (Room, Actor)? in
            guard let s = sessions[id], let wid = s.workshop, let actor = s.actor, let room = rooms[wid] else { return nil }
            return (room, actor)
        }
        guard let (room, actor) = seat else {
            return reply(id, error: DetenteError(.unauthorised, "say hello with a token (or join) before sending commands"), ref: ref)
        }
        // One message budget per seat, shared by all of that seat's connections.
        let seatKey: String = if case let .participant(p) = actor { "\(room.id)/\(p)" } else { "\(room.id)/facilitator" }
        if let refusal = abuse.seatRefusal(seatKey) { return reply(id, error: refusal.error, ref: ref) }
        room.queue.async { self.execute(command, by: actor, in: room, replyTo: id, ref: ref, clientID: clientID, trace: trace) }
    }

    private func create(_ id: ConnectionID, organiserToken: String?, title: String, departments: [String], template: String, k: Int, ref: JSON?) {
        let isOrganiser =
            registry.withLock { sessions[id]?.organiser == true }
            || organiserToken.map { Secrets.constantTimeEqual(Secrets.hash($0), organiserTokenHash) } == true
        guard isOrganiser else { return reply(id, error: DetenteError(.unauthorised, "creating a workshop needs the organiser token"), ref: ref) }
        createWorkshop(title: title, departments: departments, template: template, k: k) { [weak self] result in
            guard let self else { return }
            switch result {
            case let .success(created):
                var json = self.createdJSON(created, base: self.configuration.baseURL)
                if case var .object(pairs) = json { pairs.append(("ref", ref ?? .null)); json = .object(pairs) }
                self.send(id, json)
            case let .failure(error): self.reply(id, error: error, ref: ref)
            }
        }
    }

    // MARK: - the clock, presence and counts

    private func flushPresence() {
        for room in registry.withLock({ Array(rooms.values) }) {
            room.queue.async {
                if !room.countsDirty.isEmpty {
                    let frames = room.takeCountsFrames()
                    self.transport.send(frames)
                    self.messagesOut.increment(by: frames.reduce(0) { $0 + $1.1.count })
                }
                guard room.presenceDirty else { return }
                room.presenceDirty = false
                for (text, ids) in room.presenceFrames() { self.transport.send(text, to: ids) }
            }
        }
    }

    private func tick() {
        guard writer.isHealthy else { return }
        for room in registry.withLock({ Array(rooms.values) }) {
            room.queue.async {
                let w = room.working
                guard !w.ended, w.timer != nil || w.phase == .outmodel || w.phase == .requirements else { return }
                self.execute(.tick, by: .system, in: room, replyTo: nil, ref: nil)
            }
        }
    }

    // MARK: - replies

    func send(_ id: ConnectionID, _ json: JSON) {
        messagesOut.increment()
        transport.send(json.encoded(), to: id)
    }

    func reply(_ id: ConnectionID, error: DetenteError, ref: JSON?) {
        errorsOut.increment()
        send(id, ["type": "error", "code": .string(error.code.rawValue), "message": .string(error.message), "ref": ref ?? .null])
    }
}
