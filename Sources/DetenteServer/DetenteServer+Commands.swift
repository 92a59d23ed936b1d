import DetenteCore
import DetenteJournal
import DetenteTransport
import Foundation
import Metrics

/// The command pipeline, on the room's queue: decide against the working state, journal, and
/// once durable apply to the committed state, acknowledge and broadcast.
extension DetenteServer {
    static let refusingError = DetenteError(.unavailable, "the journal cannot write right now; nothing was recorded; try again shortly")

    /// The error for an entry the journal did not make durable: nothing of it was recorded.
    static func notRecorded(_ result: Result<Void, JournalError>) -> DetenteError {
        if case let .failure(e) = result, e.code == .busy { return DetenteError(.unavailable, "the server is busy; nothing was recorded; try again") }
        return DetenteError(.unavailable, "the journal could not store this; it was not recorded")
    }

    func context(_ room: Room, clientID: String? = nil) -> DecisionContext {
        var ctx = DecisionContext(
            now: clock(), anonymiser: room.anonymiser, seed: RandomPool.shared.uint64(),
            freshIDs: (0..<4).map { _ in Secrets.id(bits: 64) })
        ctx.clientID = clientID
        return ctx
    }

    func execute(
        _ command: Command, by actor: Actor, in room: Room, replyTo id: ConnectionID?, ref: JSON?, clientID: String? = nil,
        trace: CommandTrace? = nil
    ) {
        trace?.stamp(.started)
        if let clientID, let id, answerRepeat(command, by: actor, in: room, clientID: clientID, replyTo: id, ref: ref) { return }
        guard writer.isHealthy else {
            if let id { reply(id, error: Self.refusingError, ref: ref) }
            return
        }
        slowDraftHook(command, room)
        let events: [Event]
        do { events = try room.working.decide(command, by: actor, context: context(room, clientID: clientID)) } catch {
            if let id { reply(id, error: error, ref: ref) }
            return
        }
        trace?.stamp(.decided)
        var ackFields: [(String, JSON)] = [("type", "ack")]
        for e in events { if case let .itemSubmitted(item, _) = e { ackFields.append(("id", .string(item.id))) } }
        let ack = ackFields
        guard !events.isEmpty else {
            if let id { send(id, .object(ack + [("ref", ref ?? .null), ("changed", false)])) }
            return
        }
        for e in events { room.working.apply(e) }
        let recentKey = clientID.map { RecentCommands.key(actor, $0) }
        if let recentKey { room.recent.begin(recentKey) }
        let entry = JournalEntry(workshop: room.id, events: events, at: clock(), epoch: room.epoch)
        let counter = room.eventsCounter ?? Counter(label: "detente_events_total", dimensions: configuration.metrics.dimensions(workshop: room.id))
        room.eventsCounter = counter
        counter.increment(by: events.count)
        trace?.stamp(.submitted)
        writer.submit(entry) { [weak self] result in
            guard let self else { return }
            trace?.stamp(.durable)
            room.queue.async { self.completed(entry, result, in: room, ack: ack, recentKey: recentKey, replyTo: id, ref: ref, trace: trace) }
        }
    }

    /// The journal's answer for one command, on the room's queue.
    private func completed(
        _ entry: JournalEntry, _ result: Result<Void, JournalError>, in room: Room, ack: [(String, JSON)],
        recentKey: String?, replyTo id: ConnectionID?, ref: JSON?, trace: CommandTrace?
    ) {
        guard case .success = result else {
            room.writeFailed(epoch: entry.epoch)
            let waiters = recentKey.map { room.recent.finish($0, ack: nil) } ?? []
            let error = Self.notRecorded(result)
            if let id { reply(id, error: error, ref: ref) }
            for w in waiters { reply(w.connection, error: error, ref: w.ref) }
            return
        }
        let frames = room.commit(entry.events)
        var out = room.recipients(frames)
        let waiters = recentKey.map { room.recent.finish($0, ack: ack) } ?? []
        for w in waiters { out.insert((JSON.object(ack + [("ref", w.ref ?? .null), ("repeat", true)]).encoded(), [w.connection]), at: 0) }
        if let id { out.insert((JSON.object(ack + [("ref", ref ?? .null)]).encoded(), [id]), at: 0) }
        // One hand-over: a client that asked for batches gets the ack and broadcasts of one
        // command in one frame.
        trace?.stamp(.handedOver)
        transport.send(out, firstIsAnswer: id != nil, trace: trace)
        messagesOut.increment(by: out.reduce(0) { $0 + $1.1.count })
    }

    /// A command whose `client_id` was seen before is answered from its first outcome, never
    /// decided twice. - Returns: true if answered (or queued to be answered).
    private func answerRepeat(_ command: Command, by actor: Actor, in room: Room, clientID: String, replyTo id: ConnectionID, ref: JSON?) -> Bool {
        let key = RecentCommands.key(actor, clientID)
        switch room.recent[key] {
        case .pending?:
            room.recent.wait(key, .init(connection: id, ref: ref))
            return true
        case let .done(ack)?:
            send(id, .object(ack + [("ref", ref ?? .null), ("repeat", true)]))
            return true
        case nil:
            // A submit stays deduplicated across restarts: its client id is stored with the item.
            guard case .submit = command, case let .participant(p) = actor, let item = room.committed.item(submittedBy: p, clientID: clientID) else { return false }
            send(id, ["type": "ack", "id": .string(item), "ref": ref ?? .null, "repeat": true])
            return true
        }
    }

    /// Test hook: a draft that takes as long as `DETENTE_TEST_SLOW_DRAFT_MS` says.
    private func slowDraftHook(_ command: Command, _ room: Room) {
        guard configuration.slowDraftMillis > 0 else { return }
        let drafts = command == .redraft || (command == .advance(force: false) || command == .advance(force: true)) && room.working.phase == .reactions
        if drafts { Thread.sleep(forTimeInterval: Double(configuration.slowDraftMillis) / 1000) }
    }
}
