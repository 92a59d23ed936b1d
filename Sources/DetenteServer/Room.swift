import DetenteCore
import DetenteTransport

/// One workshop being served. Guarded by the server lock.
///
/// Two states, so that nothing is shown before it is durable: `working` is what the next
/// command is decided against (committed plus what the journal is still writing); `committed`
/// holds only events the journal has made durable, and is the only state any snapshot,
/// broadcast, presence or export is built from.
final class Room: @unchecked Sendable {
    var committed: Workshop
    var working: Workshop
    /// The write generation (see `JournalEntry.epoch`): a failed write starts a new one and
    /// resets `working` to `committed`.
    var epoch = 0
    var names: [ParticipantID: String]
    var connections: Set<ConnectionID> = []
    /// Presence changed since it was last sent; flushed a few times a second so a thousand
    /// people arriving at once cost a few updates, not a million frames.
    var presenceDirty = false
    /// Commands recently seen with a `client_id`, so a resend is answered, not repeated.
    var recent = RecentCommands()
    /// Rebuilt only when someone joins: building the roster index costs more than using it.
    private var preparedAnonymiser: (count: Int, anonymiser: Anonymiser)?

    init(workshop: Workshop, names: [ParticipantID: String]) {
        committed = workshop
        working = workshop
        self.names = names
    }

    var id: String { committed.id }

    var anonymiser: Anonymiser {
        if let prepared = preparedAnonymiser, prepared.count == names.count { return prepared.anonymiser }
        let a = Anonymiser(roster: names.values.sorted())
        preparedAnonymiser = (names.count, a)
        return a
    }

    /// A write of generation `epoch` failed: everything decided since the last durable event is
    /// void (the journal refuses the rest of that generation too).
    func writeFailed(epoch failed: Int) {
        guard failed == epoch else { return }
        epoch += 1
        working = committed
    }
}

/// Acks of recent commands by `client_id`, per seat: a resend of a command still being written
/// waits for its outcome; a resend of a durable one gets the same ack; a failed one may be sent
/// again. Bounded: the oldest keys are forgotten first (submits stay deduplicated for ever,
/// through the item's stored client id).
struct RecentCommands {
    struct Waiter { let connection: ConnectionID; let ref: JSON? }
    enum State { case pending([Waiter]), done([(String, JSON)]) }
    static let capacity = 4_096
    private var states: [String: State] = [:]
    private var order: [String] = []

    static func key(_ actor: Actor, _ clientID: String) -> String {
        switch actor {
        case let .participant(p): return p + "\u{1F}" + clientID
        case .facilitator: return "facilitator\u{1F}" + clientID
        case .system: return "system\u{1F}" + clientID
        }
    }

    subscript(key: String) -> State? { states[key] }

    mutating func begin(_ key: String) {
        if states[key] == nil { order.append(key) }
        states[key] = .pending([])
        while order.count > Self.capacity { states.removeValue(forKey: order.removeFirst()) }
    }

    mutating func wait(_ key: String, _ waiter: Waiter) {
        if case var .pending(waiters) = states[key] { waiters.append(waiter); states[key] = .pending(waiters) }
    }

    /// Records the outcome and returns who else was waiting for it.
    mutating func finish(_ key: String, ack: [(String, JSON)]?) -> [Waiter] {
        guard case let .pending(waiters) = states[key] else { return [] }
        if let ack { states[key] = .done(ack) } else { states.removeValue(forKey: key); order.removeAll { $0 == key } }
        return waiters
    }
}
