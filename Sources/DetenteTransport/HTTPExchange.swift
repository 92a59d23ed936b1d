/// A plain HTTP request the transport hands to the application (for `/api`, `/healthz`,
/// `/metrics` and exports); files under `Public/` never reach it.
public struct HTTPRequest: Sendable {
    public let method: String
    public let path: String
    public let query: [String: String]
    public let headers: [String: String]
    public let body: [UInt8]

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
    var response: HTTPResponse?
    var sent = false
}
