import DetenteCore
import DetenteJournal
import DetenteTransport
import Foundation
import Metrics

/// Creating workshops and the HTTP routes: `/healthz`, `/metrics`, `/api/…`.
extension DetenteServer {
    public struct Created: Sendable {
        public let id: String
        public let code: String
        public let facilitatorToken: String
        public let title: String
        public let departments: [String]
    }

    /// Creates a workshop; `completion` runs once its creation record is durable.
    public func createWorkshop(
        title: String, departments rawDepartments: [String], template: String, k: Int,
        completion: @escaping @Sendable (Result<Created, DetenteError>) -> Void
    ) {
        let valid: WorkshopSetup.Request
        do { valid = try WorkshopSetup.Request(title: title, departments: rawDepartments, template: template, k: k) } catch { return completion(.failure(error)) }
        let (title, departments, k) = (valid.title, valid.departments, valid.anonymityThreshold)
        guard writer.isHealthy else { return completion(.failure(Self.refusingError)) }
        let token = Secrets.token()
        let code = registry.withLock { () -> String in
            var code = Secrets.joinCode()
            while byCode[code] != nil { code = Secrets.joinCode() }
            return code
        }
        let now = clock()
        let setup = WorkshopSetup(
            id: "w_" + Secrets.id(bits: 64), title: title, template: template, departments: departments,
            anonymityThreshold: k, joinCode: code, facilitatorTokenHash: Secrets.hash(token), createdAt: now)
        let (workshop, events) = Workshop.create(setup)
        writer.submit(JournalEntry(workshop: setup.id, events: events, at: now)) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success:
                // Shared storage: the node the proxy routes this workshop to serves it, from its
                // first hello (maybe this one, taking it back).
                if self.writer.isShared { self.releaseCreated(workshop) } else { self.register(Room(workshop: workshop, names: [:])) }
                Counter(label: "detente_events_total", dimensions: self.configuration.metrics.dimensions(workshop: setup.id)).increment(by: events.count)
                self.logger.info("workshop created", metadata: ["workshop": "\(setup.id)", "departments": "\(departments.count)"])
                completion(.success(Created(id: setup.id, code: code, facilitatorToken: token, title: title, departments: departments)))
            case .failure:
                completion(.failure(Self.notRecorded(result)))
            }
        }
    }

    func createdJSON(_ c: Created, base: String) -> JSON {
        // Shared storage: the facilitator's page names its workshop too, for the proxy's routing.
        let route = writer.isShared ? "?w=\(c.code)" : ""
        return [
            "type": "created", "workshop": .string(c.id), "title": .string(c.title), "code": .string(c.code),
            "facilitator_token": .string(c.facilitatorToken),
            "facilitator_url": .string("\(base)/facilitator.html\(route)#token=\(c.facilitatorToken)"),
            "join_url": .string("\(base)/join.html?code=\(c.code)"),
            "join_links": .array(c.departments.map { ["department": .string($0), "url": .string("\(base)/join.html?code=\(c.code)&department=\($0)")] })
        ]
    }

    static func errorBody(_ error: DetenteError) -> String {
        JSON.object([("type", "error"), ("code", .string(error.code.rawValue)), ("message", .string(error.message))]).encoded()
    }

    static func status(of error: DetenteError) -> Int {
        switch error.code {
        case .unavailable: return 503
        case .unauthorised: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .rateLimited: return 429
        default: return 400
        }
    }

    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let base = configuration.transport.publicOrigin ?? request.header("host").map { (configuration.transport.tlsCertificate == nil ? "http://" : "https://") + $0 } ?? configuration.baseURL
        switch (request.method, request.path) {
        case ("GET", "/healthz"):
            guard let refusal = writer.refusal else { return respond(.json(200, #"{"status":"ok"}"#)) }
            let body: JSON = ["status": "journal unavailable", "reason": .string(refusal.description)]
            return respond(.json(503, body.encoded()))
        case ("GET", "/metrics"):
            if let refusal = configuration.metrics.refusal(request) { return respond(refusal) }
            return respond(HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: metricsText()))
        case ("POST", "/api/workshops"):
            guard Secrets.constantTimeEqual(Secrets.hash(bearerToken(request)), organiserTokenHash) else {
                return respond(.json(401, #"{"type":"error","code":"unauthorised","message":"creating a workshop needs the organiser token"}"#))
            }
            guard let body = try? JSONParser.parse(request.bodyText) else {
                return respond(.json(400, #"{"type":"error","code":"bad_json","message":"send a JSON object with 'title' and 'departments'"}"#))
            }
            let valid: WorkshopSetup.Request
            do { valid = try WorkshopSetup.Request(json: body) } catch { return respond(.json(400, Self.errorBody(error))) }
            createWorkshop(title: valid.title, departments: valid.departments, template: valid.template, k: valid.anonymityThreshold) { [weak self] result in
                guard let self else { return }
                switch result {
                case let .success(created): respond(.json(201, self.createdJSON(created, base: base).encoded()))
                case let .failure(error): respond(.json(Self.status(of: error), Self.errorBody(error)))
                }
            }
        case ("GET", let path) where path.hasPrefix("/api/join/"):
            if let refusal = abuse.lookupRefusal(from: request.remoteAddress) { return respond(refusal.httpResponse) }
            let code = String(path.dropFirst("/api/join/".count)).uppercased()
            guard let room = registry.withLock({ byCode[code] }).flatMap({ servedRoom($0) }) else {
                return respond(.json(404, #"{"type":"error","code":"not_found","message":"no workshop with that join code"}"#))
            }
            room.queue.async {
                let w = room.committed
                let info: JSON = [
                    "title": .string(w.setup.title), "departments": JSON(w.departments),
                    "locked": .bool(w.joiningLocked), "ended": .bool(w.ended)
                ]
                respond(.json(200, info.encoded()))
            }
        case ("GET", let path) where path.hasPrefix("/api/workshops/") && path.hasSuffix("/export"):
            let wid = String(path.dropFirst("/api/workshops/".count).dropLast("/export".count))
            export(
                workshop: wid, format: request.query["format"] ?? "md", token: request.query["token"] ?? bearerToken(request),
                attendance: request.query["attendance"] == "1", respond: respond)
        default:
            respond(.notFound)
        }
    }

    func bearerToken(_ request: HTTPRequest) -> String {
        request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
    }

    /// Renders off the room's queue from a copy of its committed state: a long export delays
    /// neither this workshop nor any other.
    func export(workshop wid: String, format: String, token: String, attendance: Bool, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let forbidden = HTTPResponse.json(403, #"{"type":"error","code":"forbidden","message":"exports need the facilitator token"}"#)
        guard let room = servedRoom(wid, wakeIf: { Secrets.constantTimeEqual($0.facilitatorTokenHash, Secrets.hash(token)) }) else {
            return respond(forbidden)
        }
        room.queue.async {
            guard Secrets.constantTimeEqual(room.committed.setup.facilitatorTokenHash, Secrets.hash(token)) else { return respond(forbidden) }
            let workshop = room.committed
            let names = attendance ? room.names.values.sorted() : nil
            DispatchQueue.global().async {
                guard let rendered = Transcript(workshop: workshop).render(format, attendance: names) else {
                    return respond(.json(400, #"{"type":"error","code":"invalid_value","message":"format must be md, html, json or csv"}"#))
                }
                respond(
                    HTTPResponse(
                        status: 200, contentType: rendered.contentType, body: rendered.body,
                        headers: [("content-disposition:", "attachment; filename=\"detente-\(wid).\(rendered.fileExtension)\"")]))
            }
        }
    }
}
