import DetenteCore
import DetenteJournal
import Foundation

/// Lazy start-up: an ended workshop is not replayed when the server starts. The server learns
/// only what routes its clients (join code, facilitator and participant token hashes, from the
/// journal's clear fields) and opens it for serving — chain checked, sealed fields opened,
/// events folded — the first time someone asks for it: a `hello`, a `join`, `/api/join/<code>`
/// or an export. From then on it is a room like any other.
extension DetenteServer {
    /// At start-up, before any client: remembers how to route to each dormant workshop.
    func registerDormant(_ indexes: [RoutingIndex]) {
        registry.withLock {
            for index in indexes {
                dormant[index.workshop] = index
                byCode[index.joinCode] = index.workshop
                credentials[index.facilitatorTokenHash] = .facilitator(index.workshop)
                for th in index.participantTokenHashes { dormantTokens[th] = index.workshop }
            }
        }
        if !indexes.isEmpty { logger.info("ended workshops left dormant until first use", metadata: ["count": "\(indexes.count)"]) }
    }

    /// The dormant workshop a lookup key (`token:<hash>`, `code:<code>`) belongs to, if any.
    func dormantWorkshop(forLookup key: String) -> String? {
        registry.withLock {
            if key.hasPrefix("token:") { return dormantTokens[String(key.dropFirst("token:".count))] }
            if key.hasPrefix("code:") { return byCode[String(key.dropFirst("code:".count))].flatMap { dormant[$0] == nil ? nil : $0 } }
            return nil
        }
    }

    func isDormant(_ workshop: String) -> Bool { registry.withLock { dormant[workshop] != nil } }

    /// The room of a workshop this node serves, waking it if it is dormant and `wakeIf` agrees
    /// (an export wakes a workshop only for its facilitator's token); nil if unknown here.
    func servedRoom(_ workshop: String, wakeIf: (RoutingIndex) -> Bool = { _ in true }) -> Room? {
        if let room = registry.withLock({ rooms[workshop] }) { return room }
        guard let index = registry.withLock({ dormant[workshop] }), wakeIf(index), case let .success(room) = wake(workshop) else { return nil }
        return room
    }

    /// Opens a dormant workshop for serving and registers its room (once, however many ask).
    func wake(_ workshop: String) -> Result<Room, DetenteError> {
        adoptions.withLock { () -> Result<Room, DetenteError> in
            if let room = registry.withLock({ rooms[workshop] }) { return .success(room) }
            do {
                let loaded = try writer.openForServing(workshop, logger: logger)
                let room = Room(workshop: try Workshop.replay(loaded.events), names: loaded.names)
                registry.withLock {
                    if let index = dormant.removeValue(forKey: workshop) {
                        for th in index.participantTokenHashes { dormantTokens[th] = nil }
                    }
                }
                register(room)
                logger.info("woke a dormant workshop", metadata: ["workshop": "\(workshop)", "events": "\(loaded.events.count)"])
                return .success(room)
            } catch {
                logger.error("a dormant workshop could not be opened", metadata: ["workshop": "\(workshop)", "error": "\(error)"])
                return .failure(DetenteError(.unavailable, "this workshop cannot be loaded right now; try again shortly"))
            }
        }
    }
}
