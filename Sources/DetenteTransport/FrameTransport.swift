/// What the composition needs of a transport: the seam where server tests put a recording fake
/// in place of libwebsockets. `WebSocketServer` is the real one. Every method may be called from
/// any thread.
public protocol FrameTransport: AnyObject, Sendable {
    func start() throws
    func shutdown()
    /// Queues `text` for each connection; encoded once, shared by all of them.
    func send(_ text: String, to ids: [ConnectionID])
    /// Queues several messages at once, in order (one hand-over to the service thread).
    func send(_ messages: [(String, [ConnectionID])])
    /// One command's messages at once, in order. With `firstIsAnswer`, the first is the answer
    /// to its sender (its ack), written ahead of broadcasts; the others are broadcasts, even
    /// those for one viewer. `trace` carries the command's stage stamps (`StageTrace`).
    func send(_ messages: [(String, [ConnectionID])], firstIsAnswer: Bool, trace: CommandTrace?)
    func close(_ id: ConnectionID, code: CloseCode, reason: String)
    /// The connection has said who it is: its hello deadline no longer applies.
    func identified(_ id: ConnectionID)
    /// The client asked for batches: several pending messages may reach it as one JSON array.
    func acceptBatches(_ id: ConnectionID)
    func remoteAddress(of id: ConnectionID) -> String?
}

extension FrameTransport {
    public func send(_ text: String, to id: ConnectionID) { send(text, to: [id]) }
    /// For fakes: one message after the other.
    public func send(_ messages: [(String, [ConnectionID])]) {
        for (text, ids) in messages { send(text, to: ids) }
    }
    /// Fakes neither pace nor trace.
    public func send(_ messages: [(String, [ConnectionID])], firstIsAnswer: Bool, trace: CommandTrace?) { send(messages) }
    /// Fakes that do not batch need not say so.
    public func acceptBatches(_ id: ConnectionID) {}
}

extension WebSocketServer: FrameTransport {}

extension ConnectionID {
    /// For tests and fakes: a connection id from a number.
    public init(testing raw: UInt64) { self.raw = raw }
}
