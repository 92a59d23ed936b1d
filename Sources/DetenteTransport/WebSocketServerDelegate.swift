/// What the application does with connections. Called on the service thread; keep it quick.
public protocol WebSocketServerDelegate: AnyObject, Sendable {
    func connectionOpened(_ id: ConnectionID)
    func received(_ text: String, from id: ConnectionID)
    func connectionClosed(_ id: ConnectionID)
    /// Answers an HTTP request; `respond` may be called later and from any thread (for
    /// example once a journal write is durable).
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void)
}
