import DetenteModel
import Foundation

/// Decides whether a URL identifies a person: profile pages, personal spaces, user paths and
/// personal hosts. Ordinary links (dashboards, status pages, team wikis, docs) are kept.
enum URLPolicy {
    static let codeHosts = ["github.com", "gitlab", "bitbucket", "gitea", "codeberg.org", "sourcehut", "sr.ht"]
    static let orgWords: Set<String> = [
        "team", "teams", "ops", "dev", "platform", "infra", "sre", "dba", "security", "org", "docs", "tools",
        "shared", "public", "internal", "group", "groups", "company", "projects", "services", "apps", "status",
        "dashboards", "grafana", "wiki", "runbooks", "explore", "search", "issues", "pulls", "topics", "orgs"
    ]

    enum ProfileHost { case booking, social }
    /// Sites whose first path segment is an account: booking pages and personal profiles are a
    /// person's by nature; on social sites the account name must look like a person's.
    static let bookingHosts = ["calendly.com", "cal.com", "savvycal.com", "tidycal.com", "about.me", "keybase.io"]
    static let socialHosts = [
        "twitter.com", "x.com", "instagram.com", "facebook.com", "threads.net", "dev.to", "medium.com", "behance.net",
        "dribbble.com", "stackoverflow.com", "hub.docker.com", "npmjs.com", "pypi.org", "youtube.com"
    ]

    static func profileHostKind(_ host: String) -> ProfileHost? {
        func matches(_ known: String) -> Bool { host == known || host.hasSuffix("." + known) }
        if bookingHosts.contains(where: matches) { return .booking }
        if socialHosts.contains(where: matches) { return .social }
        return nil
    }

    static func personalRule(_ link: String, roster: RosterIndex) -> String? {
        let lower = link.lowercased()
        guard let schemeEnd = lower.range(of: "://").map({ $0.upperBound }) ?? (lower.hasPrefix("www.") ? lower.startIndex : nil) else { return nil }
        let rest = lower[schemeEnd...]
        let host = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        let path = String(rest.dropFirst(host.count))
        let segments = path.split(separator: "/").map(String.init)
        if host.hasPrefix("gist.") { return "personal gist" }
        // "medium.com/@jane", "mastodon.example/@kofi": an @-handle as a path segment.
        if let first = segments.first, first.hasPrefix("@"), first.count > 2 { return "profile handle in a link" }
        if let owner = segments.first, !orgWords.contains(owner), let kind = profileHostKind(host) {
            if kind == .booking || Gazetteer.looksLikePersonHandle(owner) { return "profile on a personal or social site" }
        }
        if host.includes("linkedin.") && (path.hasPrefix("/in/") || path.hasPrefix("/pub/")) { return "profile page" }
        if path.includes("/~") || path.hasPrefix("~") { return "personal space" }
        if lower.includes("viewprofile") || lower.includes("/profile") || lower.includes("/people/") || lower.includes("/person/")
            || lower.includes("/users/") || lower.includes("/user/") || lower.includes("/u/") || lower.includes("/member/")
        {
            return "profile or user path"
        }
        if lower.includes("name=") && (lower.includes("user") || lower.includes("profile")) { return "profile query" }
        // A path segment built from a participant's name: "/hmarchetti/", "/robin-achterberg-3b1a".
        for segment in segments.prefix(2) where segment.count >= 4 {
            let folded = Gazetteer.fold(segment)
            for token in roster.tokens.keys where token.count >= 4 && !Gazetteer.isCommonWord(token) {
                // "salave'a" is spelled "salavea" in a path.
                let bare = token.utf8.contains(UInt8(ascii: "'")) ? token.replacingOccurrences(of: "'", with: "") : token
                guard folded.includes(bare) else { continue }
                return "user path with a participant's name"
            }
        }
        if codeHosts.contains(where: { host.includes($0) }), let owner = segments.first, !orgWords.contains(owner) {
            let hostLabels = Set(host.split(separator: ".").flatMap { $0.split(separator: "-") }.map(String.init))
            if !hostLabels.contains(owner), !owner.split(separator: "-").contains(where: { hostLabels.contains(String($0)) }) {
                // The account page itself ("gitlab.com/jdoe-dev"): an organisation's page is over-scrubbed
                // at worst, a person's must not leak.
                if segments.count == 1 { return "account page on a code host" }
                if Gazetteer.looksLikePersonHandle(owner) { return "user namespace on a code host" }
            }
        }
        // A personal site: the first host label looks like a person's name ("janedoe.example.net/blog").
        if let first = host.split(separator: ".").first.map(String.init), host.split(separator: ".").count >= 2,
            !["www", "wiki", "docs", "status", "grafana", "jira", "confluence", "gitlab", "github", "cal", "calendar", "intranet", "portal", "api", "app"].contains(first),
            Gazetteer.looksLikeFullNameLabel(first) || Gazetteer.looksLikeHyphenatedFullName(first), segments.first.map({ ["blog", "posts", "about", "cv", "notes"].contains($0) }) ?? true
        {
            return "personal site"
        }
        return nil
    }
}
