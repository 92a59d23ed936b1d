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
    public var abuse = AbuseLimits()
    public var metrics = MetricsAccess()
    public init(organiserToken: String) { self.organiserToken = organiserToken }

    public var baseURL: String {
        let scheme = transport.tlsCertificate == nil ? "http" : "https"
        let host = transport.host == "0.0.0.0" || transport.host == "::" ? "127.0.0.1" : transport.host
        return "\(scheme)://\(host):\(transport.port)"
    }
}

/// The composition: routes each frame to its workshop, asks the core to decide, hands the events
/// to the journal, and once they are durable acknowledges and delivers each viewer's frames.
///
/// - Important: Nothing reaches any client before its events are durable: replies and
///   broadcasts are sent from the journal's completion.
public final class DetenteServer: WebSocketServerDelegate, @unchecked Sendable {
    final class Room: @unchecked Sendable {  // guarded by the server lock
        var workshop: Workshop
        var names: [ParticipantID: String]
        var connections: Set<ConnectionID> = []
        /// Presence changed since it was last sent; flushed a few times a second so a thousand
        /// people arriving at once cost a few updates, not a million frames.
        var presenceDirty = false
        /// Rebuilt only when someone joins: building the roster index costs more than using it.
        private var preparedAnonymiser: (count: Int, anonymiser: Anonymiser)?
        init(workshop: Workshop, names: [ParticipantID: String]) { self.workshop = workshop; self.names = names }

        var anonymiser: Anonymiser {
            if let prepared = preparedAnonymiser, prepared.count == names.count { return prepared.anonymiser }
            let a = Anonymiser(roster: names.values.sorted())
            preparedAnonymiser = (names.count, a)
            return a
        }
    }

    struct Session {
        var workshop: String?
        var viewer: Viewer?
        var organiser = false
    }

    enum Credential { case facilitator(String), participant(String, ParticipantID) }

    let configuration: ServerConfiguration
    let logger: Logger
    let writer: JournalWriter
    let store: SessionStore
    let organiserTokenHash: String
    let abuse: AbuseGuard
    public let metricsText: @Sendable () -> String
    var transport: WebSocketServer!

    private let lock = NSLock()
    private var rooms: [String: Room] = [:]
    private var byCode: [String: String] = [:]
    private var credentials: [String: Credential] = [:]
    private var sessions: [ConnectionID: Session] = [:]
    private var ticker: DispatchSourceTimer?
    private var presenceTimer: DispatchSourceTimer?
    private let clock: @Sendable () -> Int64

    let connectionsGauge = Gauge(label: "detente_connections")
    let messagesIn = Counter(label: "detente_messages_in_total")
    let messagesOut = Counter(label: "detente_messages_out_total")
    let errorsOut = Counter(label: "detente_errors_total")
    let fsyncTimer = Metrics.Timer(label: "detente_journal_fsync_seconds")

    public init(configuration: ServerConfiguration, logger: Logger, metricsText: @escaping @Sendable () -> String = { "" },
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.configuration = configuration
        self.logger = logger
        self.metricsText = metricsText
        self.clock = clock
        self.store = SessionStore(directory: configuration.sessionsDirectory)
        self.writer = JournalWriter(directory: configuration.sessionsDirectory, logger: logger)
        self.organiserTokenHash = Secrets.hash(configuration.organiserToken)
        self.abuse = AbuseGuard(configuration.abuse)
    }

    // MARK: - lifecycle

    /// Replays every journal, then starts the journal writer, the clock and the transport.
    public func start() throws {
        try FileManager.default.createDirectory(atPath: configuration.sessionsDirectory, withIntermediateDirectories: true)
        let started = DispatchTime.now().uptimeNanoseconds
        var eventCount = 0
        for id in try store.journalIDs() {
            let loaded = try store.load(id, logger: logger)
            guard let first = loaded.events.first, case let .created(setup) = first else {
                logger.error("journal has no creation record; skipped", metadata: ["workshop": "\(id)"])
                continue
            }
            var workshop = Workshop(setup: setup)
            for event in loaded.events.dropFirst() { workshop.apply(event) }
            eventCount += loaded.records.count
            register(Room(workshop: workshop, names: loaded.names))
            try writer.resume(workshop: id, seq: loaded.records.count, lastHash: loaded.records.last?.hash ?? JournalRecord.genesis)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        logger.info("replayed journals", metadata: ["workshops": "\(rooms.count)", "events": "\(eventCount)", "seconds": "\(String(format: "%.3f", seconds))"])
        let timer = fsyncTimer
        writer.onFsync = { seconds, _ in timer.recordNanoseconds(Int64(seconds * 1e9)) }
        writer.start()
        transport = WebSocketServer(configuration: configuration.transport, logger: logger, delegate: self)
        try transport.start()
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "detente-clock"))
        t.schedule(deadline: .now() + 1, repeating: 1)
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        ticker = t
        let p = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "detente-presence"))
        p.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        p.setEventHandler { [weak self] in self?.flushPresence() }
        p.resume()
        presenceTimer = p
        logger.info("serving", metadata: ["url": "\(configuration.baseURL)", "sessions": "\(configuration.sessionsDirectory)"])
    }

    /// Stops accepting, closes connections with 1001, and flushes the journal.
    public func shutdown() {
        ticker?.cancel()
        presenceTimer?.cancel()
        transport?.shutdown()
        writer.shutdown()
        logger.info("stopped; journal flushed")
    }

    private func register(_ room: Room) {
        lock.lock(); defer { lock.unlock() }
        let w = room.workshop
        rooms[w.id] = room
        byCode[w.setup.joinCode] = w.id
        credentials[w.setup.facilitatorTokenHash] = .facilitator(w.id)
        for p in w.participants.values { credentials[p.tokenHash] = .participant(w.id, p.id) }
    }

    public var workshopIDs: [String] { lock.lock(); defer { lock.unlock() }; return rooms.keys.sorted() }

    // MARK: - creating workshops

    public struct Created: Sendable {
        public let id: String
        public let code: String
        public let facilitatorToken: String
        public let title: String
        public let departments: [String]
    }

    /// Creates a workshop; `completion` runs once its creation record is durable.
    public func createWorkshop(title: String, departments rawDepartments: [String], template: String, k: Int,
                               completion: @escaping @Sendable (Result<Created, DetenteError>) -> Void) {
        let valid: WorkshopSetup.Request
        do { valid = try WorkshopSetup.Request(title: title, departments: rawDepartments, template: template, k: k) } catch { return completion(.failure(error)) }
        let (title, departments, k) = (valid.title, valid.departments, valid.anonymityThreshold)
        let token = Secrets.token()
        lock.lock()
        var code = Secrets.joinCode()
        while byCode[code] != nil { code = Secrets.joinCode() }
        lock.unlock()
        let joinCode = code
        let now = clock()
        let setup = WorkshopSetup(id: "w_" + Secrets.id(bits: 64), title: title, template: template, departments: departments,
                                  anonymityThreshold: k, joinCode: code, facilitatorTokenHash: Secrets.hash(token), createdAt: now)
        let (workshop, events) = Workshop.create(setup)
        writer.submit(.events(workshop: setup.id, events: events, at: now)) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success:
                self.register(Room(workshop: workshop, names: [:]))
                Counter(label: "detente_events_total", dimensions: configuration.metrics.dimensions(workshop: setup.id)).increment(by: events.count)
                self.logger.info("workshop created", metadata: ["workshop": "\(setup.id)", "departments": "\(departments.count)"])
                completion(.success(Created(id: setup.id, code: joinCode, facilitatorToken: token, title: title, departments: departments)))
            case .failure:
                completion(.failure(DetenteError(.unavailable, "the journal could not store the workshop")))
            }
        }
    }

    func createdJSON(_ c: Created, base: String) -> JSON {
        [
            "type": "created", "workshop": .string(c.id), "title": .string(c.title), "code": .string(c.code),
            "facilitator_token": .string(c.facilitatorToken),
            "facilitator_url": .string("\(base)/facilitator.html#token=\(c.facilitatorToken)"),
            "join_url": .string("\(base)/join.html?code=\(c.code)"),
            "join_links": .array(c.departments.map { ["department": .string($0), "url": .string("\(base)/join.html?code=\(c.code)&department=\($0)")] }),
        ]
    }

    // MARK: - websocket frames

    public func connectionOpened(_ id: ConnectionID) {
        lock.lock()
        sessions[id] = Session()
        let count = sessions.count
        lock.unlock()
        connectionsGauge.record(count)
    }

    public func connectionClosed(_ id: ConnectionID) {
        lock.lock()
        let session = sessions.removeValue(forKey: id)
        let count = sessions.count
        if let wid = session?.workshop, let room = rooms[wid] {
            room.connections.remove(id)
            room.presenceDirty = true
        }
        lock.unlock()
        connectionsGauge.record(count)
    }

    public func received(_ text: String, from id: ConnectionID) {
        messagesIn.increment()
        let json: JSON
        do { json = try JSONParser.parse(text) } catch {
            return reply(id, error: DetenteError(.badJSON, "invalid JSON at byte \(error.offset): \(error.reason)"), ref: nil)
        }
        let ref = json["ref"]
        let message: ClientMessage
        do { message = try ClientMessage.parse(json) } catch { return reply(id, error: error, ref: ref) }
        switch message {
        case .ping:
            send(id, ["type": "pong", "ref": ref ?? .null])
        case let .hello(token):
            hello(id, token: token, ref: ref)
        case let .create(organiserToken, title, departments, template, k):
            lock.lock()
            let isOrganiser = sessions[id]?.organiser == true || organiserToken.map { Secrets.constantTimeEqual(Secrets.hash($0), organiserTokenHash) } == true
            lock.unlock()
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
        case let .join(code, name, department):
            join(id, code: code, name: name, department: department, ref: ref)
        case let .command(command):
            lock.lock()
            guard let session = sessions[id], let wid = session.workshop, let viewer = session.viewer, let room = rooms[wid] else {
                lock.unlock()
                return reply(id, error: DetenteError(.unauthorised, "say hello with a token (or join) before sending commands"), ref: ref)
            }
            let actor: Actor = viewer.participantID.map(Actor.participant) ?? .facilitator
            if let refusal = abuse.seatRefusal("\(wid)/\(viewer.participantID ?? "facilitator")") { lock.unlock(); return reply(id, error: refusal.error, ref: ref) }
            execute(command, by: actor, in: room, replyTo: id, ref: ref)
            lock.unlock()
        }
    }

    private func hello(_ id: ConnectionID, token: String, ref: JSON?) {
        let hash = Secrets.hash(token)
        lock.lock()
        if Secrets.constantTimeEqual(hash, organiserTokenHash) {
            sessions[id]?.organiser = true
            lock.unlock()
            transport.identified(id)
            return send(id, ["type": "welcome", "role": "organiser", "ref": ref ?? .null])
        }
        guard let credential = credentials[hash] else {
            lock.unlock()
            return reply(id, error: DetenteError(.unauthorised, "unknown or revoked token"), ref: ref)
        }
        let wid: String
        let viewer: Viewer
        switch credential {
        case let .facilitator(w):
            guard let room = rooms[w], Secrets.constantTimeEqual(room.workshop.setup.facilitatorTokenHash, hash) else { lock.unlock(); return }
            wid = w; viewer = .facilitator
        case let .participant(w, pid):
            guard let room = rooms[w], let p = room.workshop.participants[pid], Secrets.constantTimeEqual(p.tokenHash, hash) else { lock.unlock(); return }
            wid = w; viewer = .participant(pid, p.department, delegate: room.workshop.delegate == pid)
        }
        let displaced = takeSeat(viewer.participantID, in: wid, for: id)
        let frames = bind(id, to: wid, as: viewer, ref: ref)
        lock.unlock()
        for other in displaced {
            transport.send(#"{"type":"seat_taken"}"#, to: other)
            transport.close(other, code: .normal, reason: "seat taken by a newer connection")
        }
        for (text, ids) in frames { transport.send(text, to: ids) }
    }

    /// A participant seat has one connection: earlier ones are unbound here (the caller tells them
    /// `seat_taken` and closes them), so a replayed token cannot listen in unnoticed. Lock held.
    private func takeSeat(_ participant: ParticipantID?, in wid: String, for id: ConnectionID) -> [ConnectionID] {
        guard let participant, let room = rooms[wid] else { return [] }
        let earlier = room.connections.filter { $0 != id && sessions[$0]?.viewer?.participantID == participant }
        for other in earlier { room.connections.remove(other); sessions[other] = Session() }
        return Array(earlier)
    }

    /// Binds a connection to a seat and returns its snapshot plus everyone's presence update. Lock held.
    private func bind(_ id: ConnectionID, to wid: String, as viewer: Viewer, ref: JSON?) -> [(String, [ConnectionID])] {
        guard let room = rooms[wid] else { return [] }
        if let old = sessions[id]?.workshop, old != wid { rooms[old]?.connections.remove(id) }
        sessions[id] = Session(workshop: wid, viewer: viewer)
        room.connections.insert(id)
        transport.identified(id)
        var snapshot = Visibility.snapshot(of: room.workshop, for: viewer, online: online(room), names: room.names)
        if case var .object(pairs) = snapshot { pairs.append(("ref", ref ?? .null)); snapshot = .object(pairs) }
        room.presenceDirty = true
        return [(snapshot.encoded(), [id])]
    }

    private func online(_ room: Room) -> Set<ParticipantID> {
        Set(room.connections.compactMap { sessions[$0]?.viewer?.participantID })
    }

    /// Presence differs by viewer (names for the facilitator and one's own department). Lock held.
    private func presenceFrames(_ room: Room) -> [(String, [ConnectionID])] {
        let on = online(room)
        var byViewer: [Viewer: [ConnectionID]] = [:]
        for c in room.connections { if let v = sessions[c]?.viewer { byViewer[Viewer(v.role.presenceKey), default: []].append(c) } }
        return byViewer.map { viewer, ids in (Visibility.presence(room.workshop, online: on, names: room.names, for: viewer).encoded(), ids) }
    }

    private func join(_ id: ConnectionID, code: String, name rawName: String, department: String, ref: JSON?) {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 60 else { return reply(id, error: DetenteError(.invalidValue, "a display name has 1 to 60 characters"), ref: ref) }
        if let refusal = abuse.lookupRefusal(from: transport.remoteAddress(of: id) ?? "") { return reply(id, error: refusal.error, ref: ref) }
        lock.lock()
        guard let wid = byCode[code.uppercased().trimmingCharacters(in: .whitespaces)], let room = rooms[wid] else {
            lock.unlock()
            return reply(id, error: DetenteError(.notFound, "no workshop with that join code"), ref: ref)
        }
        let token = Secrets.token()
        let pid = "p_" + Secrets.id(bits: 64)
        let hash = Secrets.hash(token)
        let events: [Event]
        do {
            events = try room.workshop.decide(.join(department: department.lowercased(), tokenHash: hash), by: .participant(pid), context: context(room))
        } catch {
            lock.unlock()
            return reply(id, error: error, ref: ref)
        }
        let frames = apply(events, to: room)
        room.names[pid] = name
        credentials[hash] = .participant(wid, pid)
        let at = clock()
        writer.submit(.roster(workshop: wid, participant: pid, name: name)) { _ in }
        writer.submit(.events(workshop: wid, events: events, at: at)) { [weak self] result in
            guard let self else { return }
            guard case .success = result else { return self.reply(id, error: DetenteError(.unavailable, "the journal could not store your seat"), ref: ref) }
            self.lock.lock()
            var out: [(String, [ConnectionID])] = [(JSON.object([("type", "joined"), ("participant", .string(pid)), ("token", .string(token)),
                                                                 ("workshop", .string(wid)), ("ref", ref ?? .null)]).encoded(), [id])]
            if self.sessions[id] != nil {
                out += self.bind(id, to: wid, as: .participant(pid, department.lowercased()), ref: ref)
            }
            out += self.recipients(frames, in: room, excluding: [id])
            self.lock.unlock()
            for (text, ids) in out { self.transport.send(text, to: ids) }
        }
        lock.unlock()
    }

    private func context(_ room: Room) -> DecisionContext {
        var rng = SystemRandomNumberGenerator()
        return DecisionContext(now: clock(), anonymiser: room.anonymiser, seed: rng.next(),
                               freshIDs: (0..<4).map { _ in Secrets.id(bits: 64) })
    }

    /// Applies events to the room and returns their frames, encoded once each. Lock held.
    private func apply(_ events: [Event], to room: Room) -> [(Audience, String)] {
        var frames: [(Audience, String)] = []
        for event in events {
            room.workshop.apply(event)
            for f in Visibility.frames(for: event, in: room.workshop) { frames.append((f.audience, f.message.encoded())) }
            if case let .facilitationHanded(p) = event {
                // A seat's rights change at once for its open connections.
                for c in room.connections {
                    if case let .participant(pid, d, _)? = sessions[c]?.viewer?.role { sessions[c]?.viewer = .participant(pid, d, delegate: pid == p) }
                }
            }
        }
        return frames
    }

    /// Matches frames against the room's connections. Lock held.
    private func recipients(_ frames: [(Audience, String)], in room: Room, excluding: Set<ConnectionID> = []) -> [(String, [ConnectionID])] {
        frames.compactMap { audience, text in
            let ids = room.connections.filter { !excluding.contains($0) && (sessions[$0]?.viewer.map(audience.includes) ?? false) }
            return ids.isEmpty ? nil : (text, Array(ids))
        }
    }

    /// Decides, applies and journals one command; the ack and frames go out once durable. Lock held.
    private func execute(_ command: Command, by actor: Actor, in room: Room, replyTo id: ConnectionID?, ref: JSON?) {
        let events: [Event]
        do { events = try room.workshop.decide(command, by: actor, context: context(room)) } catch {
            if let id { reply(id, error: error, ref: ref) }
            return
        }
        var ack: [(String, JSON)] = [("type", "ack"), ("ref", ref ?? .null)]
        for e in events { if case let .itemSubmitted(item, _) = e { ack.append(("id", .string(item.id))) } }
        guard !events.isEmpty else {
            if let id { send(id, .object(ack + [("changed", false)])) }
            return
        }
        let frames = apply(events, to: room)
        let wid = room.workshop.id
        let ackText = JSON.object(ack).encoded()
        Counter(label: "detente_events_total", dimensions: configuration.metrics.dimensions(workshop: wid)).increment(by: events.count)
        writer.submit(.events(workshop: wid, events: events, at: clock())) { [weak self] result in
            guard let self else { return }
            guard case .success = result else {
                if let id { self.reply(id, error: DetenteError(.unavailable, "the journal could not store this; it was not recorded"), ref: ref) }
                return
            }
            self.lock.lock()
            var out = self.recipients(frames, in: room)
            if let id { out.insert((ackText, [id]), at: 0) }
            self.lock.unlock()
            for (text, ids) in out { self.transport.send(text, to: ids); self.messagesOut.increment(by: ids.count) }
        }
    }

    private func flushPresence() {
        lock.lock()
        var out: [(String, [ConnectionID])] = []
        for room in rooms.values where room.presenceDirty {
            room.presenceDirty = false
            out += presenceFrames(room)
        }
        lock.unlock()
        for (text, ids) in out { transport.send(text, to: ids) }
    }

    private func tick() {
        lock.lock()
        for room in rooms.values where !room.workshop.ended {
            let w = room.workshop
            guard w.timer != nil || w.phase == .outmodel || w.phase == .requirements else { continue }
            execute(.tick, by: .system, in: room, replyTo: nil, ref: nil)
        }
        lock.unlock()
    }

    func send(_ id: ConnectionID, _ json: JSON) {
        messagesOut.increment()
        transport.send(json.encoded(), to: id)
    }

    func reply(_ id: ConnectionID, error: DetenteError, ref: JSON?) {
        errorsOut.increment()
        send(id, ["type": "error", "code": .string(error.code.rawValue), "message": .string(error.message), "ref": ref ?? .null])
    }

    // MARK: - HTTP

    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let base = configuration.transport.publicOrigin ?? request.header("host").map { (configuration.transport.tlsCertificate == nil ? "http://" : "https://") + $0 } ?? configuration.baseURL
        switch (request.method, request.path) {
        case ("GET", "/healthz"):
            return respond(writer.isHealthy ? .json(200, #"{"status":"ok"}"#) : .json(503, #"{"status":"journal unavailable"}"#))
        case ("GET", "/metrics"):
            if let refusal = configuration.metrics.refusal(request) { return respond(refusal) }
            return respond(HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: metricsText()))
        case ("POST", "/api/workshops"):
            let bearer = request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
            guard Secrets.constantTimeEqual(Secrets.hash(bearer), organiserTokenHash) else {
                return respond(.json(401, #"{"type":"error","code":"unauthorised","message":"creating a workshop needs the organiser token"}"#))
            }
            guard let body = try? JSONParser.parse(request.bodyText) else {
                return respond(.json(400, #"{"type":"error","code":"bad_json","message":"send a JSON object with 'title' and 'departments'"}"#))
            }
            let valid: WorkshopSetup.Request
            do { valid = try WorkshopSetup.Request(json: body) } catch {
                return respond(.json(400, JSON.object([("type", "error"), ("code", .string(error.code.rawValue)), ("message", .string(error.message))]).encoded()))
            }
            createWorkshop(title: valid.title, departments: valid.departments, template: valid.template, k: valid.anonymityThreshold) { [weak self] result in
                guard let self else { return }
                switch result {
                case let .success(created): respond(.json(201, self.createdJSON(created, base: base).encoded()))
                case let .failure(error):
                    respond(.json(400, JSON.object([("type", "error"), ("code", .string(error.code.rawValue)), ("message", .string(error.message))]).encoded()))
                }
            }
        case ("GET", let path) where path.hasPrefix("/api/join/"):
            if let refusal = abuse.lookupRefusal(from: request.remoteAddress) { return respond(refusal.httpResponse) }
            let code = String(path.dropFirst("/api/join/".count)).uppercased()
            lock.lock()
            let room = byCode[code].flatMap { rooms[$0] }
            let info: JSON? = room.map { r in
                ["title": .string(r.workshop.setup.title), "departments": JSON(r.workshop.departments),
                 "locked": .bool(r.workshop.joiningLocked), "ended": .bool(r.workshop.ended)]
            }
            lock.unlock()
            respond(info.map { .json(200, $0.encoded()) } ?? .json(404, #"{"type":"error","code":"not_found","message":"no workshop with that join code"}"#))
        case ("GET", let path) where path.hasPrefix("/api/workshops/") && path.hasSuffix("/export"):
            let wid = String(path.dropFirst("/api/workshops/".count).dropLast("/export".count))
            respond(export(workshop: wid, format: request.query["format"] ?? "md", token: request.query["token"] ?? bearerToken(request),
                           attendance: request.query["attendance"] == "1"))
        default:
            respond(.notFound)
        }
    }

    func bearerToken(_ request: HTTPRequest) -> String {
        request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
    }

    func export(workshop wid: String, format: String, token: String, attendance: Bool) -> HTTPResponse {
        lock.lock()
        guard let room = rooms[wid], Secrets.constantTimeEqual(room.workshop.setup.facilitatorTokenHash, Secrets.hash(token)) else {
            lock.unlock()
            return .json(403, #"{"type":"error","code":"forbidden","message":"exports need the facilitator token"}"#)
        }
        let workshop = room.workshop
        let names = attendance ? room.names.values.sorted() : nil
        lock.unlock()
        guard let rendered = Transcript(workshop: workshop).render(format, attendance: names) else {
            return .json(400, #"{"type":"error","code":"invalid_value","message":"format must be md, html, json or csv"}"#)
        }
        return HTTPResponse(status: 200, contentType: rendered.contentType, body: rendered.body,
                            headers: [("content-disposition:", "attachment; filename=\"detente-\(wid).\(rendered.fileExtension)\"")])
    }
}

extension Viewer.Role {
    /// Presence depends only on rights and department, not on who exactly is looking.
    var presenceKey: Viewer.Role {
        switch self {
        case .facilitator, .export: return self
        case let .participant(_, d, isDelegate): return isDelegate ? .facilitator : .participant("", d, isDelegate: false)
        }
    }
}
