/// A plain HTTP request the transport hands to the application (for `/api`, `/healthz`,
/// `/metrics` and exports); files under `Public/` never reach it.
public struct HTTPRequest: Sendable {
    public let method: String
    public let path: String
    public let query: [String: String]
    public let headers: [String: String]
    public let body: [UInt8]
    /// The TCP peer's address (IPv4 dotted or IPv6 text); the application decides whether to
    /// trust an `X-Forwarded-For` header (only from a configured proxy).
    public let remoteAddress: String

    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
        remoteAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(String, String)]

    public init(status: Int, contentType: String = "application/json", body: String, headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = Array(body.utf8)
        self.headers = headers
    }

    public static func json(_ status: Int, _ body: String) -> HTTPResponse { HTTPResponse(status: status, body: body) }
    public static let notFound = HTTPResponse(status: 404, contentType: "text/plain; charset=utf-8", body: "not found\n")
}

/// State of one HTTP exchange while its body arrives and its response goes out.
final class HTTPExchange {
    var method = "GET"
    var path = ""
    var query: [String: String] = [:]
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    var remoteAddress = ""
    var response: HTTPResponse?
    /// A body was declared (Content-Length > 0): answer only once it has been read.
    var awaitingBody = false
    /// Answered or handed to the delegate; lws may still report a body completion after.
    var dispatched = false
    /// The connection cannot carry another request after this answer (unread chunked body).
    var closeAfter = false
    /// The delegate is being asked from the request's own lws callback.
    var insideCallback = false
}
