/// When a connection with frames for a broadcast asks libwebsockets for its WRITEABLE callback,
/// so that an answer (a command's ack, as the server names it, or any other frame sent to one
/// connection alone: a welcome, an error) never waits behind a broadcast to thousands.
///
/// Why: lws polls every descriptor, then serves the ready ones in descriptor order within one
/// pass, and used to drain the inbox only once per pass (now also inside WRITEABLE callbacks). At 10,020 connections one broadcast pass
/// took ~90 ms, and a facilitator (connected last) got its ack after every participant got the
/// broadcast (docs/PERFORMANCE.md, "10,000 connections"). So answers are requested at once;
/// broadcast recipients wait here and are released at most `connectionsPerPass` per pass, oldest
/// first; and after a pass that requested answers, a backlog larger than one release waits one
/// pass (never two in a row), so that pass writes the answers alone. A released connection may
/// pick up new broadcast frames before it is written, and an answer handed over during a pass
/// can go only in the next one: so while any answer waits, broadcast-only writes give their turn
/// (each at most once before it is written, so none starves) and come first in the next release.
///
/// Only cross-connection write order changes: each connection's own frames stay in its queue,
/// in order (docs/PROTOCOL.md). A plain value: no lws, tested on its own.
struct WritePacing {
    let connectionsPerPass: Int
    private var waiting: [ConnectionID] = []
    /// Gave their turn to answers: released before `waiting`.
    private var yielded: [ConnectionID] = []
    private var head = 0
    private var answersRequested = false
    private var heldLastPass = false

    init(connectionsPerPass: Int) {
        precondition(connectionsPerPass > 0, "at least one connection per pass")
        self.connectionsPerPass = connectionsPerPass
    }

    /// Broadcast recipients not released yet (a connection may be listed more than once).
    var backlog: Int { yielded.count + waiting.count - head }

    /// A broadcast frame was queued for `id` (the caller lists each connection once until
    /// it is released).
    mutating func wait(_ id: ConnectionID) { waiting.append(id) }

    /// A released connection gave its turn to answers: first in the next release.
    mutating func yieldTurn(_ id: ConnectionID) { yielded.append(id) }

    /// An answer's connection was asked for its WRITEABLE callback at once.
    mutating func answerRequested() { answersRequested = true }

    /// Called between lws passes: the connections to ask for a WRITEABLE callback now.
    mutating func release() -> [ConnectionID] {
        defer { answersRequested = false }
        if answersRequested && backlog > connectionsPerPass && !heldLastPass {
            heldLastPass = true
            return []
        }
        heldLastPass = false
        var released = Array(yielded.prefix(connectionsPerPass))
        yielded.removeFirst(released.count)
        let end = min(waiting.count, head + connectionsPerPass - released.count)
        released += waiting[head..<end]
        head = end
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4_096 {
            waiting.removeFirst(head)
            head = 0
        }
        return released
    }
}
