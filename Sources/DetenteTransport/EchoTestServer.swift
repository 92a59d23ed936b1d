import Foundation
import Logging

/// Test-only: Detente's own transport echoing every text message, so Autobahn|Testsuite can
/// measure its RFC 6455 conformance (tools/autobahn, Tests/e2e/test_autobahn.py). Started by
/// the hidden `detente serve --echo-test`; answers `/healthz` so test harnesses can wait for it.
public final class EchoTestServer: WebSocketServerDelegate, @unchecked Sendable {
    private var transport: WebSocketServer!

    /// Runs until SIGTERM or SIGINT.
    public static func serveUntilSignalled(host: String, port: Int, logger: Logger, deflate: Bool = false) throws {
        var configuration = TransportConfiguration()
        configuration.permessageDeflate = deflate
        configuration.host = host
        configuration.port = port
        configuration.conformanceEcho = true
        // Autobahn sends thousands of messages per case; the per-connection rate limit would
        // turn the conformance run into a rate-limit test.
        configuration.messagesPerSecond = 1_000_000
        configuration.messageBurst = 1_000_000
        let echo = EchoTestServer()
        echo.transport = WebSocketServer(configuration: configuration, logger: logger, delegate: echo)
        try echo.transport.start()
        FileHandle.standardOutput.write(Data("Detente echo test server on ws://\(host):\(port)\(WebSocketServer.path)\n".utf8))
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        echo.transport.shutdown()
        _ = sources
    }

    public func connectionOpened(_ id: ConnectionID) { transport.identified(id) }
    public func received(_ text: String, from id: ConnectionID) { transport.send(text, to: [id]) }
    public func connectionClosed(_ id: ConnectionID) {}

    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        respond(request.path == "/healthz" ? .json(200, #"{"status":"ok"}"#) : .notFound)
    }
}
