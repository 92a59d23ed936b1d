import DetenteCore
import DetenteJournal
import DetenteTransport
import Foundation

/// Taking a seat: `hello` with a token, or `join` with a code (a new seat, durable first).
extension DetenteServer {
    func hello(_ id: ConnectionID, token: String, ref: JSON?) {
        let hash = Secrets.hash(token)
        if Secrets.constantTimeEqual(hash, organiserTokenHash) {
            registry.withLock { sessions[id]?.organiser = true }
            transport.identified(id)
            return send(id, ["type": "welcome", "role": "organiser", "ref": ref ?? .null])
        }
        let lookup = {
            self.registry.withLock { () -> (String, Credential, Room?)? in
                guard let credential = self.credentials[hash] else { return nil }
                switch credential {
                case let .facilitator(w), let .participant(w, _): return (w, credential, self.rooms[w])
                }
            }
        }
        var found = lookup()
        if found == nil {
            // An unknown token costs a database look-up on shared storage: limited per address
            // like join-code look-ups, so guessing tokens cannot load the database.
            if let refusal = abuse.lookupRefusal(from: transport.remoteAddress(of: id) ?? "") { return reply(id, error: refusal.error, ref: ref) }
            if let error = discover("token:" + hash) { return reply(id, error: error, ref: ref) }
            found = lookup()
        }
        let unknown = DetenteError(.unauthorised, "unknown or revoked token")
        guard let (wid, credential, known) = found else { return reply(id, error: unknown, ref: ref) }
        let room: Room
        switch known.map({ .success($0) }) ?? roomServedElsewhere(wid, unknown: unknown) {
        case let .success(r): room = r
        case let .failure(error): return reply(id, error: error, ref: ref)
        }
        // The seat is known now: commands sent right behind this hello are routed to the room's
        // queue, where they run after the binding below.
        claimSession(
            id, for: room,
            as: {
                if case let .participant(_, pid) = credential { return .participant(pid) }; return .facilitator
            }())
        room.queue.async {
            let viewer: Viewer
            let refuse = {
                self.registry.withLock { if self.sessions[id]?.workshop == room.id { self.sessions[id]?.workshop = nil; self.sessions[id]?.actor = nil } }
                self.reply(id, error: DetenteError(.unauthorised, "unknown or revoked token"), ref: ref)
            }
            switch credential {
            case .facilitator:
                guard Secrets.constantTimeEqual(room.committed.setup.facilitatorTokenHash, hash) else { return refuse() }
                viewer = .facilitator
            case let .participant(_, pid):
                guard let p = room.committed.participants[pid], Secrets.constantTimeEqual(p.tokenHash, hash) else { return refuse() }
                viewer = .participant(pid, p.department, delegate: room.committed.delegate == pid)
            }
            self.takeSeat(viewer.participantID, in: room, for: id)
            self.bind(id, to: room, as: viewer, ref: ref)
        }
    }

    /// Points a connection's session at a room before its binding runs, leaving any earlier room.
    private func claimSession(_ id: ConnectionID, for room: Room, as actor: Actor) {
        let old = registry.withLock { () -> String? in
            guard sessions[id] != nil else { return nil }
            let old = sessions[id]?.workshop
            sessions[id]?.workshop = room.id
            sessions[id]?.actor = actor
            return old
        }
        if let old, old != room.id, let oldRoom = registry.withLock({ rooms[old] }) {
            oldRoom.queue.async {
                oldRoom.viewers.removeValue(forKey: id); oldRoom.presenceDirty = true
            }
        }
    }

    /// A participant seat has `connectionsPerSeat` connections (default one): the oldest beyond
    /// that are told `seat_taken` and closed, so a replayed token cannot listen in unnoticed. On
    /// the room's queue.
    private func takeSeat(_ participant: ParticipantID?, in room: Room, for id: ConnectionID) {
        guard let participant else { return }
        let others = room.viewers.compactMap { c, v in c != id && v.participantID == participant ? c : nil }.sorted { $0.raw < $1.raw }
        let earlier = others.dropLast(configuration.abuse.connectionsPerSeat - 1)
        for other in earlier {
            room.viewers.removeValue(forKey: other)
            registry.withLock { if sessions[other] != nil { sessions[other] = Session() } }
            transport.send(#"{"type":"seat_taken"}"#, to: other)
            transport.close(other, code: .normal, reason: "seat taken by a newer connection")
        }
    }

    /// Binds a connection to a seat and sends its snapshot; presence follows with the next flush.
    /// On the room's queue.
    func bind(_ id: ConnectionID, to room: Room, as viewer: Viewer, ref: JSON?) {
        let previous = registry.withLock { () -> String?? in
            guard sessions[id] != nil else { return .none }  // closed meanwhile
            let old = sessions[id]?.workshop
            sessions[id]?.workshop = room.id
            sessions[id]?.actor = viewer.participantID.map(Actor.participant) ?? .facilitator
            return .some(old)
        }
        guard case let .some(old) = previous else { return }
        if let old, old != room.id, let oldRoom = registry.withLock({ rooms[old] }) {
            oldRoom.queue.async {
                oldRoom.viewers.removeValue(forKey: id); oldRoom.presenceDirty = true
            }
        }
        room.viewers[id] = viewer
        room.presenceDirty = true
        transport.identified(id)
        var snapshot = Visibility.snapshot(of: room.committed, for: viewer, online: room.online, names: room.names)
        if case var .object(pairs) = snapshot { pairs.append(("ref", ref ?? .null)); snapshot = .object(pairs) }
        transport.send(snapshot.encoded(), to: id)
    }

    func join(_ id: ConnectionID, code: String, name rawName: String, department: String, ref: JSON?) {
        let name = rawName.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 60 else { return reply(id, error: DetenteError(.invalidValue, "a display name has 1 to 60 characters"), ref: ref) }
        if let refusal = abuse.lookupRefusal(from: transport.remoteAddress(of: id) ?? "") { return reply(id, error: refusal.error, ref: ref) }
        let normalised = code.uppercased().trimmingCharacters(in: .whitespaces)
        let unknown = DetenteError(.notFound, "no workshop with that join code")
        let lookup = { self.registry.withLock { self.byCode[normalised].map { ($0, self.rooms[$0]) } } }
        var found = lookup()
        if found == nil {
            if let error = discover("code:" + normalised) { return reply(id, error: error, ref: ref) }
            found = lookup()
        }
        guard let (wid, known) = found else {
            return reply(id, error: unknown, ref: ref)
        }
        let room: Room
        switch known.map({ .success($0) }) ?? roomServedElsewhere(wid, unknown: unknown) {
        case let .success(r): room = r
        case let .failure(error): return reply(id, error: error, ref: ref)
        }
        room.queue.async { self.seat(id, in: room, name: name, department: department.lowercased(), ref: ref) }
    }

    /// Decides the join, journals it with the roster line, and seats the connection once durable.
    /// On the room's queue.
    private func seat(_ id: ConnectionID, in room: Room, name: String, department: String, ref: JSON?) {
        guard writer.isHealthy else { return reply(id, error: Self.refusingError, ref: ref) }
        let token = Secrets.token()
        let pid = "p_" + Secrets.id(bits: 64)
        let hash = Secrets.hash(token)
        let events: [Event]
        do {
            events = try room.working.decide(.join(department: department, tokenHash: hash), by: .participant(pid), context: context(room))
        } catch {
            return reply(id, error: error, ref: ref)
        }
        for e in events { room.working.apply(e) }
        let entry = JournalEntry(workshop: room.id, events: events, at: clock(), roster: (pid, name), epoch: room.epoch)
        writer.submit(entry) { [weak self] result in
            guard let self else { return }
            room.queue.async {
                guard case .success = result else {
                    room.writeFailed(epoch: entry.epoch)
                    return self.reply(id, error: Self.notRecorded(result), ref: ref)
                }
                room.names[pid] = name
                self.registry.withLock { self.credentials[hash] = .participant(room.id, pid) }
                let frames = room.commit(events)
                self.transport.send(
                    JSON.object([
                        ("type", "joined"), ("participant", .string(pid)), ("token", .string(token)),
                        ("workshop", .string(room.id)), ("ref", ref ?? .null)
                    ]).encoded(), to: id)
                self.bind(id, to: room, as: .participant(pid, department), ref: ref)
                for (text, ids) in room.recipients(frames, excluding: [id]) { self.transport.send(text, to: ids) }
            }
        }
    }
}
