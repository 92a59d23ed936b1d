// Reference: what a Swift developer would pick instead of libwebsockets — Hummingbird 2 with
// hummingbird-websocket. Every text message received on /ws is sent to every connection.
//
// Each connection owns an unbounded queue (an AsyncStream) drained by its own task, so one slow
// reader only grows its own queue and holds up no one. The message is one shared ByteBuffer
// (copy-on-write, never mutated), so a broadcast costs no per-connection copy.
//
//     hb_broadcast PORT
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Every open connection's outgoing queue, keyed by a connection number.
final class Room: Sendable {
    private let queues = NIOLockedValueBox([Int: AsyncStream<ByteBuffer>.Continuation]())
    private let nextId = NIOLockedValueBox(0)

    func join() -> (Int, AsyncStream<ByteBuffer>) {
        let id = nextId.withLockedValue { value in value += 1; return value }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .unbounded)
        queues.withLockedValue { $0[id] = continuation }
        return (id, stream)
    }

    func leave(_ id: Int) {
        queues.withLockedValue { $0.removeValue(forKey: id) }?.finish()
    }

    func broadcast(_ message: ByteBuffer) {
        let targets = queues.withLockedValue { Array($0.values) }
        for queue in targets { queue.yield(message) }
    }
}

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 9002 : 9002
let room = Room()
var logger = Logger(label: "hb_broadcast")
logger.logLevel = .error

let router = Router(context: BasicWebSocketRequestContext.self)
router.ws("/ws") { inbound, outbound, _ in
    let (id, queue) = room.join()
    defer { room.leave(id) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for await message in queue {
                try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: message)))
            }
        }
        for try await message in inbound.messages(maxSize: 1 << 20) {
            if case .text(let text) = message { room.broadcast(ByteBuffer(string: text)) }
        }
        room.leave(id)
        group.cancelAll()
    }
}

let app = Application(
    router: router,
    server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(autoPing: .disabled))),
    configuration: .init(address: .hostname("127.0.0.1", port: port), backlog: 4096),
    logger: logger
)
try await app.runService()
