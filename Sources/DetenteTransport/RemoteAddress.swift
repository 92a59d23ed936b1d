import Foundation

/// Which address a request comes from, for limits per address. The TCP peer, unless that peer
/// is a configured reverse proxy: then the right-most `X-Forwarded-For` entry that is not
/// itself a trusted proxy (entries further left are whatever the client claimed).
public struct RemoteAddress: Sendable {
    public let trustedProxies: Set<String>

    public init(trustedProxies: [String]) {
        self.trustedProxies = Set(trustedProxies.map { $0.lowercased() })
    }

    public func resolve(peer: String, forwardedFor: String?) -> String {
        guard trustedProxies.contains(peer.lowercased()), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0.lowercased()) } ?? peer
    }

    /// The key limits are counted under: an IPv4 address as is, an IPv6 address by its /64
    /// (one household or office usually gets a whole /64; counting single addresses would let
    /// one client rotate through 2^64 of them).
    public static func bucketKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        let bare = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        let expanded = expand(bare)
        guard expanded.count == 8 else { return bare.lowercased() }
        return expanded.prefix(4).joined(separator: ":") + "::/64"
    }

    /// The eight groups of an IPv6 address, `::` expanded; empty when it is not one.
    static func expand(_ address: String) -> [String] {
        let halves = address.lowercased().components(separatedBy: "::")
        guard halves.count <= 2 else { return [] }
        let head = halves[0].split(separator: ":").map(String.init)
        let tail = halves.count == 2 ? halves[1].split(separator: ":").map(String.init) : []
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return [] }
        let groups = head + Array(repeating: "0", count: halves.count == 2 ? missing : 0) + tail
        guard groups.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return [] }
        return groups.map { String($0.drop { $0 == "0" }).isEmpty ? "0" : String($0.drop { $0 == "0" }) }
    }
}
