import Foundation

/// One websocket as the service thread sees it; touched on the service thread only.
final class Connection {
    let id: ConnectionID
    let wsi: OpaquePointer
    /// The client's address (see `RemoteAddress`), for limits per address.
    let address: String
    /// The application bound it to a seat (hello or join); until then a deadline runs.
    var identified = false
    /// The client said `"batch": true`: several pending messages may go as one JSON array frame.
    var batches = false
    /// Listed in `WritePacing`, waiting for its turn to ask for a WRITEABLE callback.
    var awaitingRelease = false
    /// An answer (a frame for this connection alone) is queued and not written yet.
    var answerPending = false
    /// It gave its turn to answers once since it was last written (never twice in a row).
    var yieldedTurn = false
    var inbound: MessageAssembler
    var outbound: OutboundQueue
    var rate: InboundRateLimit
    var violations = 0
    var closing: (CloseCode, String)?
    /// The peer sent a close frame: lws answers it; nothing more may be written.
    var peerClosed = false

    init(id: ConnectionID, wsi: OpaquePointer, address: String, configuration: TransportConfiguration) {
        self.id = id
        self.wsi = wsi
        self.address = address
        inbound = MessageAssembler(maxBytes: configuration.maxMessageBytes)
        outbound = OutboundQueue(limits: .init(maxFrames: configuration.maxQueuedFrames, maxBytes: configuration.maxQueuedBytes))
        rate = InboundRateLimit(
            perSecond: configuration.messagesPerSecond, burst: configuration.messageBurst,
            now: DispatchTime.now().uptimeNanoseconds)
    }

    /// Whether frames may still be queued for it.
    var acceptsFrames: Bool { closing == nil && !peerClosed }
}
