import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// The one replay fold: server start-up, `verify`, `export` and tests all build a workshop from
/// its journal this way.
extension Workshop {
    public struct ReplayFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Folds a journal's events, which must start with the creation record.
    public static func replay<S: Sequence>(_ events: S) throws(ReplayFailure) -> Workshop where S.Element == Event {
        var iterator = events.makeIterator()
        guard let first = iterator.next(), case let .created(setup) = first else {
            throw ReplayFailure(description: "the journal does not start with a creation record")
        }
        var workshop = Workshop(setup: setup)
        while let event = iterator.next() { workshop.apply(event) }
        return workshop
    }

    /// The same fold one event at a time, for readers that stream a journal instead of
    /// holding all of its events.
    public struct Replayer: Sendable {
        public private(set) var workshop: Workshop?
        let expectedItems: Int
        /// - Parameter expectedItems: room to reserve for items up front (growing the items
        ///   table of a long journal step by step was 8 % of replay).
        public init(expectedItems: Int = 0) { self.expectedItems = expectedItems }

        public mutating func apply(_ event: Event) throws(ReplayFailure) {
            if workshop != nil { workshop!.apply(event); return }
            guard case let .created(setup) = event else {
                throw ReplayFailure(description: "the journal does not start with a creation record")
            }
            workshop = Workshop(setup: setup)
            workshop!.items.reserveCapacity(expectedItems)
        }
    }

    /// The item a participant already submitted under this client id, if any (resends).
    public func item(submittedBy author: ParticipantID, clientID: String) -> ItemID? {
        submittedByClientID[ClientKey(author: author, clientID: clientID)]
    }
}
