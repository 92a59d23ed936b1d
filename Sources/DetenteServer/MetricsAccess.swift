import DetenteTransport

/// Who may read `/metrics` and what it reveals. Workshop ids are capabilities in disguise
/// (they name exports), so they stay out of label values unless an operator asks for them.
public struct MetricsAccess: Sendable {
    /// When set (DETENTE_METRICS_TOKEN), `/metrics` needs `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// DETENTE_METRICS_WORKSHOP_LABELS=1: per-workshop series, labelled with the workshop id.
    public var workshopLabels = false

    public init() {}

    /// 401 unless the request carries the configured token; nil when it may read.
    public func refusal(_ request: HTTPRequest) -> HTTPResponse? {
        guard let bearerToken else { return nil }
        let given = request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        if Secrets.constantTimeEqual(Secrets.hash(given), Secrets.hash(bearerToken)) { return nil }
        return HTTPResponse(
            status: 401, body: #"{"type":"error","code":"unauthorised","message":"/metrics needs Authorization: Bearer <DETENTE_METRICS_TOKEN>"}"#,
            headers: [("www-authenticate:", #"Bearer realm="detente-metrics""#)])
    }

    /// Dimensions of a per-workshop metric: none unless workshop labels were asked for.
    public func dimensions(workshop: String) -> [(String, String)] {
        workshopLabels ? [("workshop", workshop)] : []
    }
}
