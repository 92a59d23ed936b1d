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

    /// The item a participant already submitted under this client id, if any (resends).
    public func item(submittedBy author: ParticipantID, clientID: String) -> ItemID? {
        submittedByClientID[ClientKey(author: author, clientID: clientID)]
    }
}
