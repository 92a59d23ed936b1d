import Foundation

/// A DETENTE_* variable with a value that cannot be used; `detente serve` stops with it.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let problem: String
    public var description: String { "\(variable) \(problem)" }
}

extension ServerConfiguration {
    /// Reads the limits and protections of docs/PROTOCOL.md ("Limits") from the environment.
    /// Unset or empty variables keep their defaults.
    /// - Throws: `ConfigurationError` naming the first variable with an unusable value.
    public mutating func applyHostileClientSettings(from environment: [String: String]) throws {
        let env = environment.filter { !$0.value.isEmpty }
        if let origin = env["DETENTE_PUBLIC_ORIGIN"] {
            let trimmed = origin.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.path.isEmpty || url.path == "/" else {
                throw ConfigurationError(variable: "DETENTE_PUBLIC_ORIGIN", problem: "must be an origin such as https://detente.example.com, got '\(origin)'")
            }
            transport.publicOrigin = trimmed
        }
        if let proxies = env["DETENTE_TRUSTED_PROXIES"] {
            transport.trustedProxies = proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        transport.maxConnectionsPerAddress = try Self.integer(env, "DETENTE_MAX_CONNECTIONS_PER_ADDRESS") ?? transport.maxConnectionsPerAddress
        transport.identifyWithinSeconds = try Self.integer(env, "DETENTE_IDENTIFY_TIMEOUT") ?? transport.identifyWithinSeconds
        abuse.lookupBurst = try Self.number(env, "DETENTE_JOIN_BURST", atLeast: 1) ?? abuse.lookupBurst
        abuse.lookupsPerSecond = try Self.number(env, "DETENTE_JOIN_RATE", atLeast: 0.001) ?? abuse.lookupsPerSecond
        abuse.seatBurst = try Self.number(env, "DETENTE_SEAT_BURST", atLeast: 1) ?? abuse.seatBurst
        abuse.seatMessagesPerSecond = try Self.number(env, "DETENTE_SEAT_RATE", atLeast: 0.001) ?? abuse.seatMessagesPerSecond
        abuse.connectionsPerSeat = try Self.integer(env, "DETENTE_CONNECTIONS_PER_SEAT") ?? abuse.connectionsPerSeat
        guard abuse.connectionsPerSeat >= 1 else {
            throw ConfigurationError(variable: "DETENTE_CONNECTIONS_PER_SEAT", problem: "must be at least 1, got \(abuse.connectionsPerSeat)")
        }
        metrics.bearerToken = env["DETENTE_METRICS_TOKEN"] ?? metrics.bearerToken
        if let deflate = env["DETENTE_DEFLATE"] {
            guard ["0", "1"].contains(deflate) else { throw ConfigurationError(variable: "DETENTE_DEFLATE", problem: "must be 0 or 1, got '\(deflate)'") }
            transport.permessageDeflate = deflate == "1"
        }
        if let labels = env["DETENTE_METRICS_WORKSHOP_LABELS"] {
            guard ["0", "1"].contains(labels) else {
                throw ConfigurationError(variable: "DETENTE_METRICS_WORKSHOP_LABELS", problem: "must be 0 or 1, got '\(labels)'")
            }
            metrics.workshopLabels = labels == "1"
        }
    }

    static func integer(_ env: [String: String], _ name: String) throws -> Int? {
        guard let text = env[name] else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
            throw ConfigurationError(variable: name, problem: "must be a whole number of at least 1, got '\(text)'")
        }
        return value
    }

    static func number(_ env: [String: String], _ name: String, atLeast minimum: Double) throws -> Double? {
        guard let text = env[name] else { return nil }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= minimum else {
            throw ConfigurationError(variable: name, problem: "must be a number of at least \(minimum), got '\(text)'")
        }
        return value
    }
}
