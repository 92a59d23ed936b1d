import Foundation

/// Settings of the libwebsockets server. Defaults are the production defaults.
public struct TransportConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var publicDirectory: String = "Public"
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Extra origins allowed to open a websocket. Clients that send no Origin (non-browser
    /// tools) are allowed.
    public var allowedOrigins: [String] = []
    /// The origin the pages are served from (`https://detente.example.com`); nil means the
    /// loopback and bind addresses on `port`. The request's Host header is never trusted.
    public var publicOrigin: String?
    /// Largest whole message accepted; larger ones close the connection with 1009.
    public var maxMessageBytes: Int = 64 * 1024
    /// Messages per second a connection may send on average, and the burst above that.
    public var messagesPerSecond: Double = 20
    public var messageBurst: Double = 40
    /// Rate-limit violations tolerated (each gets an error reply) before closing with 1008.
    public var rateViolationsBeforeClose: Int = 20
    /// A connection whose unsent frames exceed either cap is dropped as a slow consumer.
    public var maxQueuedFrames: Int = 2_048
    public var maxQueuedBytes: Int = 8 * 1024 * 1024
    /// A batch frame (for clients that said `"batch": true`) holds at most this many bytes;
    /// a single message larger than that still goes alone.
    public var maxBatchBytes: Int = 256 * 1024
    /// Broadcast recipients released to lws per service pass (`WritePacing`), so that a pass
    /// stays short and answers are written between passes; DETENTE_BROADCAST_PER_PASS overrides.
    /// At 10,000 connections one poll costs ~1.8 ms: 1,000 per pass adds ~10 polls per
    /// broadcast to all, and keeps a pass to ~10-15 ms of writes.
    /// 0 turns pacing off (every recipient asks at once, as before; for A/B measurements).
    public var broadcastConnectionsPerPass = Int(ProcessInfo.processInfo.environment["DETENTE_BROADCAST_PER_PASS"] ?? "").flatMap { $0 >= 0 ? $0 : nil } ?? 1_000
    /// Bench experiment (DETENTE_BENCH_TCP_CORK=1): cork the socket around each burst of writes.
    public var corkWrites = ProcessInfo.processInfo.environment["DETENTE_BENCH_TCP_CORK"] == "1"
    /// Hand-overs waiting for the service thread beyond this are refused: their receivers are
    /// closed with 1013 (try again later) and resume by snapshot, so memory stays bounded.
    public var maxInboxItems: Int = 1_000_000
    /// Peers whose `X-Forwarded-For` names the client (a reverse proxy's own address); from
    /// anyone else the header is ignored.
    public var trustedProxies: [String] = []
    /// Websockets open at once from one address (after `trustedProxies`); more are refused
    /// with 429 at the handshake.
    public var maxConnectionsPerAddress: Int = 1_000
    /// A websocket that has not said `hello` or `join` this long after its handshake is closed
    /// with 1008.
    public var identifyWithinSeconds: Int = 300
    /// Keepalive: ping after this many idle seconds, hang up after this many without a pong.
    public var pingAfterSeconds: Int = 30
    public var hangUpAfterSeconds: Int = 75
    /// Test-only, for the Autobahn harness (`detente serve --echo-test`): upgrades need no
    /// subprotocol (they bind to `detente.v1`). Everything else is the production transport.
    public var conformanceEcho = false
    /// Offer permessage-deflate (RFC 7692) to clients that ask for it (DETENTE_DEFLATE=1).
    public var permessageDeflate = false
    /// Extra headers on every HTTP response.
    public var securityHeaders: [(String, String)] = TransportConfiguration.defaultSecurityHeaders

    public static let defaultSecurityHeaders: [(String, String)] = [
        (
            "content-security-policy:",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        ("x-content-type-options:", "nosniff"),
        ("x-frame-options:", "DENY"),
        ("referrer-policy:", "no-referrer")
    ]

    public init() {}
}
