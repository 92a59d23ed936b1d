import DetenteCore
import DetenteJournal
import Foundation

/// Workshops another node serves (shared PostgreSQL storage): this node knows their join codes
/// and credentials, answers their clients with a retryable error while the owner holds them, and
/// takes a workshop over (replaying it from PostgreSQL) as soon as its owner has let go.
extension DetenteServer {
    /// Documented in docs/PROTOCOL.md and docs/STORAGE.md: the page retries `unavailable`.
    static let servedElsewhereError = DetenteError(.unavailable, "this workshop is served by another node right now; try again shortly")

    /// At start-up: learns (read only, nothing replayed for serving) who may ask for workshops
    /// another node owns.
    func registerOwnedElsewhere(_ ids: [String]) {
        for id in ids {
            guard let l = try? writer.loadReadOnly(id, logger: logger), let w = try? Workshop.replay(l.events) else { continue }
            registry.withLock {
                ownedElsewhere.insert(id)
                byCode[w.setup.joinCode] = id
                credentials[w.setup.facilitatorTokenHash] = .facilitator(id)
                for p in w.participants.values { credentials[p.tokenHash] = .participant(id, p.id) }
            }
        }
        if !ids.isEmpty { logger.info("workshops served by other nodes", metadata: ["count": "\(ids.count)"]) }
    }

    /// The room of a workshop this node does not serve yet: taken over if its owner let go,
    /// else the retryable error; `unknown` when no node is known to serve it.
    func roomServedElsewhere(_ workshop: String, unknown: DetenteError) -> Result<Room, DetenteError> {
        if isDormant(workshop) { return wake(workshop) }
        guard registry.withLock({ ownedElsewhere.contains(workshop) }) else { return .failure(unknown) }
        return adoptions.withLock { () -> Result<Room, DetenteError> in
            if let room = registry.withLock({ rooms[workshop] }) { return .success(room) }
            do {
                let l = try writer.openForServing(workshop, logger: logger)
                let room = Room(workshop: try Workshop.replay(l.events), names: l.names)
                registry.withLock { _ = ownedElsewhere.remove(workshop) }
                register(room)
                logger.notice("took over a workshop from another node", metadata: ["workshop": "\(workshop)", "events": "\(l.events.count)"])
                return .success(room)
            } catch {
                askOwnerToHandOver(workshop)
                return .failure(Self.servedElsewhereError)
            }
        }
    }
}

extension DetenteServer {
    /// A token hash or join code this node has never seen may belong to a workshop another node
    /// created or seated it in (shared storage only): look it up, and take the workshop over or
    /// answer the retryable error. Nil when there is nothing more to know (then the caller's
    /// lookup decides).
    func discover(_ key: String) -> DetenteError? {
        if let workshop = dormantWorkshop(forLookup: key) {
            if case let .failure(error) = wake(workshop) { return error }
            return nil
        }
        guard let workshop = try? writer.workshop(forLookup: key) else { return nil }
        registry.withLock { if rooms[workshop] == nil { ownedElsewhere.insert(workshop) } }
        if case let .failure(error) = roomServedElsewhere(workshop, unknown: Self.servedElsewhereError) { return error }
        return nil
    }
}

extension DetenteServer {
    /// A workshop created here on shared storage: durable, then let go; known here as another
    /// node's until someone asks for it.
    func releaseCreated(_ workshop: Workshop) {
        writer.release(workshop.id)
        registry.withLock {
            ownedElsewhere.insert(workshop.id)
            byCode[workshop.setup.joinCode] = workshop.id
            credentials[workshop.setup.facilitatorTokenHash] = .facilitator(workshop.id)
        }
    }
}

extension DetenteServer {
    /// The proxy sends this workshop's clients here now, but another node holds it (it took the
    /// workshop over while this node was down): ask it to hand over, at most once a second.
    /// Called holding `adoptions`.
    private func askOwnerToHandOver(_ workshop: String) {
        guard configuration.handOverOnRequest else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - (releaseAsked[workshop] ?? 0) > 1_000_000_000 else { return }
        releaseAsked[workshop] = now
        writer.requestRelease(workshop)
    }

    /// Another node asked for a workshop this node serves: close its connections with 1013 (try
    /// again later; the pages reconnect through the proxy, which routes them to that node) and
    /// let the workshop go. Entries already queued are still written in order; any decided later
    /// are refused by the journal, which no longer owns the workshop.
    func handOver(_ workshop: String) {
        guard let room = registry.withLock({ rooms[workshop] }) else { return }
        room.queue.async {
            self.registry.withLock {
                self.rooms[workshop] = nil
                self.ownedElsewhere.insert(workshop)
                self.ownedGauge.record(self.rooms.count)
            }
            let viewers = Array(room.viewers.keys)
            room.viewers.removeAll()
            for id in viewers {
                self.registry.withLock { if self.sessions[id] != nil { self.sessions[id] = Session() } }
                self.transport.close(id, code: .tryAgainLater, reason: "this workshop moved to another node")
            }
            self.writer.release(workshop)
            self.logger.notice("handed a workshop over to another node", metadata: ["workshop": "\(workshop)", "connections": "\(viewers.count)"])
        }
    }
}
