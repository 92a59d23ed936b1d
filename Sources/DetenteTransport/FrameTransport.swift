/// What the composition needs of a transport: the seam where server tests put a recording fake
/// in place of libwebsockets. `WebSocketServer` is the real one. Every method may be called from
/// any thread.
public protocol FrameTransport: AnyObject, Sendable {
    func start() throws
    func shutdown()
    /// Queues `text` for each connection; encoded once, shared by all of them.
    func send(_ text: String, to ids: [ConnectionID])
    func close(_ id: ConnectionID, code: CloseCode, reason: String)
    /// The connection has said who it is: its hello deadline no longer applies.
    func identified(_ id: ConnectionID)
    func remoteAddress(of id: ConnectionID) -> String?
}

extension FrameTransport {
    public func send(_ text: String, to id: ConnectionID) { send(text, to: [id]) }
}

extension WebSocketServer: FrameTransport {}

extension ConnectionID {
    /// For tests and fakes: a connection id from a number.
    public init(testing raw: UInt64) { self.raw = raw }
}
