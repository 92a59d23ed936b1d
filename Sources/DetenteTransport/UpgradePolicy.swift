import Foundation

/// Decides whether a websocket upgrade request may proceed. Pure: the transport gathers the
/// headers, asks, and answers the refusal itself, so no upgrade ever binds to another protocol
/// than `detente.v1` (lws would otherwise bind a request without a subprotocol, or offering
/// `http`, to its plain HTTP protocol: outside every limit of the websocket endpoint).
public struct UpgradePolicy: Sendable {
    /// Why an upgrade was refused and the HTTP status it is answered with.
    public struct Refusal: Equatable, Sendable {
        public let status: Int
        public let reason: String
    }

    public let path: String
    public let subprotocol: String
    /// Every protocol name lws knows on this vhost: the first of these the client offers is the
    /// one lws would bind, so it must be ours.
    public let registeredProtocols: Set<String>
    public let origins: OriginPolicy
    /// False only in the conformance echo mode: Autobahn clients offer no subprotocol.
    public let requireSubprotocol: Bool

    public init(path: String, subprotocol: String, registeredProtocols: Set<String>, origins: OriginPolicy, requireSubprotocol: Bool = true) {
        self.path = path
        self.requireSubprotocol = requireSubprotocol
        self.subprotocol = subprotocol
        self.registeredProtocols = registeredProtocols
        self.origins = origins
    }

    /// - Parameters:
    ///   - upgrade: the `Upgrade` header (only `websocket` is served).
    ///   - uri: the request target, query included.
    ///   - origin: the `Origin` header; absent for non-browser clients, which are allowed.
    ///   - offered: the `Sec-WebSocket-Protocol` header, a comma-separated list.
    public func refusal(upgrade: String, uri: String, origin: String?, offered: String?) -> Refusal? {
        guard upgrade.lowercased() == "websocket" else {
            return Refusal(status: 400, reason: "only websocket upgrades are served")
        }
        let requestPath = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard requestPath == path else { return Refusal(status: 404, reason: "no websocket endpoint at this path; use \(path)") }
        if let origin, !origins.allows(origin) {
            return Refusal(status: 403, reason: "origin not allowed")
        }
        let names = (offered ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if !requireSubprotocol, names.isEmpty { return nil }
        guard names.first(where: registeredProtocols.contains) == subprotocol else {
            return Refusal(status: 400, reason: "offer the subprotocol \(subprotocol)")
        }
        return nil
    }
}

/// Which browser origins may open a websocket. Compared against configured values only, never
/// against the request's `Host` header, which an attacker controls (DNS rebinding).
public struct OriginPolicy: Sendable {
    public let allowed: Set<String>

    /// - Parameters:
    ///   - allowedOrigins: extra origins (DETENTE_ALLOWED_ORIGINS).
    ///   - publicOrigin: the origin users load the pages from (DETENTE_PUBLIC_ORIGIN); when unset,
    ///     the loopback and bind addresses on the server's port stand in for it.
    public init(allowedOrigins: [String], publicOrigin: String?, bindHost: String, port: Int, tls: Bool) {
        var set = Set(allowedOrigins.map(Self.normalised))
        if let publicOrigin {
            set.insert(Self.normalised(publicOrigin))
        } else {
            let scheme = tls ? "https" : "http"
            let hosts = ["127.0.0.1", "localhost", "[::1]"] + (["0.0.0.0", "::", ""].contains(bindHost) ? [] : [bindHost])
            let defaultPort = tls ? 443 : 80
            for host in hosts {
                set.insert("\(scheme)://\(host):\(port)")
                if port == defaultPort { set.insert("\(scheme)://\(host)") }
            }
        }
        allowed = set
    }

    public func allows(_ origin: String) -> Bool { allowed.contains(Self.normalised(origin)) }

    /// Origins compare case-insensitively and without a trailing slash.
    static func normalised(_ origin: String) -> String {
        var o = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while o.hasSuffix("/") { o.removeLast() }
        return o
    }
}
