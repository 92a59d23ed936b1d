import DetenteCore
import DetenteTransport
import Foundation
import Metrics

/// One workshop being served, with its own serial queue: every field below is touched only on
/// `queue`, so workshops decide, draft and export in parallel and a slow one delays only itself.
///
/// Two states, so that nothing is shown before it is durable: `working` is what the next
/// command is decided against (committed plus what the journal is still writing); `committed`
/// holds only events the journal has made durable, and is the only state any snapshot,
/// broadcast, presence or export is built from.
final class Room: @unchecked Sendable {
    let queue: DispatchQueue
    var committed: Workshop
    var working: Workshop
    /// The write generation (see `JournalEntry.epoch`): a failed write starts a new one and
    /// resets `working` to `committed`.
    var epoch = 0
    var names: [ParticipantID: String]
    /// Who is connected to this room, as what (kept here so delivery needs no global lock).
    var viewers: [ConnectionID: Viewer] = [:]
    /// Presence changed since it was last sent; flushed a few times a second so a thousand
    /// people arriving at once cost a few updates, not a million frames.
    var presenceDirty = false
    /// Counts frames (`Visibility.countsAudience`) owed since the last flush, sent with presence.
    var countsDirty: Set<Audience> = []
    /// Commands recently seen with a `client_id`, so a resend is answered, not repeated.
    var recent = RecentCommands()
    /// Rebuilt only when someone joins: building the roster index costs more than using it.
    private var preparedAnonymiser: (count: Int, anonymiser: Anonymiser)?
    /// `detente_events_total` for this workshop, made once (making a counter looks it up in the
    /// metrics factory under a lock).
    var eventsCounter: Counter?

    init(workshop: Workshop, names: [ParticipantID: String]) {
        committed = workshop
        working = workshop
        self.names = names
        queue = DispatchQueue(label: "detente-room-\(workshop.id)")
    }

    var id: String { committed.id }

    var anonymiser: Anonymiser {
        if let prepared = preparedAnonymiser, prepared.count == names.count { return prepared.anonymiser }
        let a = Anonymiser(roster: names.values.sorted())
        preparedAnonymiser = (names.count, a)
        return a
    }

    /// Participants with at least one open connection.
    var online: Set<ParticipantID> { Set(viewers.values.compactMap(\.participantID)) }

    /// A write of generation `epoch` failed: everything decided since the last durable event is
    /// void (the journal refuses the rest of that generation too).
    func writeFailed(epoch failed: Int) {
        guard failed == epoch else { return }
        epoch += 1
        working = committed
    }

    /// Matches frames against the connected viewers.
    func recipients(_ frames: [(Audience, String)], excluding: Set<ConnectionID> = []) -> [(String, [ConnectionID])] {
        frames.compactMap { audience, text in
            let ids = viewers.compactMap { c, v in !excluding.contains(c) && audience.includes(v) ? c : nil }
            return ids.isEmpty ? nil : (text, ids)
        }
    }

    /// The latest counts for every audience owed them, and nothing owed any more.
    func takeCountsFrames() -> [(String, [ConnectionID])] {
        let frames = countsDirty.compactMap { Visibility.countsFrame(for: $0, in: committed) }.map { ($0.audience, $0.message.encoded()) }
        countsDirty = []
        return recipients(frames)
    }

    /// Presence differs only by rights and department: one frame per group of viewers.
    func presenceFrames() -> [(String, [ConnectionID])] {
        let on = online
        var byGroup: [Viewer: [ConnectionID]] = [:]
        for (c, v) in viewers { byGroup[Viewer(v.role.presenceKey), default: []].append(c) }
        return byGroup.map { viewer, ids in (Visibility.presence(committed, online: on, names: names, for: viewer).encoded(), ids) }
    }

    /// Applies durable events to the committed state and returns their frames, encoded once each.
    func commit(_ events: [Event]) -> [(Audience, String)] {
        var frames: [(Audience, String)] = []
        for event in events {
            committed.apply(event)
            for f in Visibility.frames(for: event, in: committed) {
                if let audience = Visibility.countsAudience(of: f) {
                    countsDirty.insert(audience)
                } else {
                    frames.append((f.audience, f.message.encoded()))
                }
            }
            if case let .facilitationHanded(p) = event {
                // A new delegate has no counts yet: the next flush brings them.
                countsDirty.insert(.facilitators)
                // A seat's rights change at once for its open connections.
                for (c, v) in viewers {
                    if case let .participant(pid, d, _) = v.role { viewers[c] = .participant(pid, d, delegate: pid == p) }
                }
            }
        }
        return frames
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
