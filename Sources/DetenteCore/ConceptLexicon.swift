/// Domain knowledge for reading DevOps workshop text. Themes follow CALMS as Humble describes
/// it: communication, joint planning and people exchange are Sharing; load and capacity
/// evidence and observability (health checks, structured logs, tracing) are Measurement.
///: concepts with the many ways people name
/// them (CAB / change board / change approval; deploy / release / ship), each with the CALMS
/// theme it usually belongs to. This is general knowledge of the field, not of any one workshop.
struct Concept: Sendable {
    let id: String
    let theme: Theme
    /// Surface forms, matched on word stems; multi-word forms match as phrases.
    let forms: [String]
    /// Vague concepts (attitudes) group only with other vague items.
    var vague = false
}

enum ConceptLexicon {
    /// Concepts that colour many asks without being what they ask for.
    static let broad: Set<String> = ["lead-time", "release-cadence", "notify", "access", "risk", "incident", "customer", "speed", "metrics", "planning", "configuration"]

    static let concepts: [Concept] = [
        Concept(id: "environment", theme: .automation, forms: ["environment", "env", "staging", "sandbox", "preprod", "pre-production", "integration environment", "test environment", "test infrastructure", "test system", "dev box", "ephemeral", "short-lived"]),
        Concept(id: "self-service", theme: .automation, forms: ["self-service", "self service", "on demand", "on-demand", "spin up", "tear down", "without a ticket", "without filing", "no approval", "push-button", "push button", "ourselves", "our own", "without asking", "one click", "one-click"]),
        Concept(id: "logs", theme: .sharing, forms: ["log", "logs", "logging", "kibana", "splunk", "loki", "log snippet", "stack trace", "elk"]),
        Concept(id: "access", theme: .sharing, forms: ["access", "read-only", "read only", "rights", "permission", "permissions", "login", "credentials", "search the prod", "view", "visibility"]),
        Concept(id: "cab", theme: .lean, forms: ["cab", "change board", "change advisory", "change approval", "approval", "change request", "change requests", "rfc", "change ticket", "servicenow", "normal change", "normal changes", "sign-off", "signoff"]),
        Concept(id: "standard-change", theme: .lean, forms: ["standard change", "standard-change", "pre-approved", "preapproved", "routine change", "routine deploy", "routine deploys", "qualifies as standard"]),
        Concept(id: "lead-time", theme: .lean, forms: ["lead time", "turnaround", "waiting", "wait", "queue", "sit a week", "within 24 hours", "business days", "faster", "delay", "delays", "bottleneck"]),
        Concept(id: "postmortem", theme: .culture, forms: ["post-incident", "postmortem", "post-mortem", "incident review", "blameless", "root cause", "rca", "lessons learned", "after an incident", "after every incident"]),
        Concept(id: "dashboard", theme: .measurement, forms: ["dashboard", "dashboards", "scoreboard", "screen", "grafana", "chart", "display", "wallboard"]),
        Concept(id: "metrics", theme: .measurement, forms: ["metric", "metrics", "dora", "deploy frequency", "deployment frequency", "change failure rate", "mttr", "mean time", "availability", "uptime", "velocity", "kpi", "kpis", "measure", "measured", "numbers", "sla", "slo", "slos", "error budget", "incident numbers", "stability"]),
        Concept(id: "time-to-delivery", theme: .measurement, forms: ["time-to-delivery", "time to delivery", "lead time for changes", "cycle time", "idea to production", "commit to production", "delivery time", "time to market"]),
        Concept(id: "deploy-window", theme: .lean, forms: ["deploy window", "deployment window", "release window", "maintenance window", "saturday", "weekend", "middle of the night", "business hours", "weekday", "weekdays", "1-5 a.m", "office hours", "daytime"]),
        Concept(id: "planning", theme: .sharing, forms: ["sprint planning", "planning", "backlog", "refinement", "standup", "stand-up", "sprint review", "demo", "kick-off", "kickoff"]),
        Concept(id: "runbook", theme: .sharing, forms: ["runbook", "runbooks", "playbook", "playbooks", "kb", "knowledge base", "operational docs", "operational documentation", "how to restart", "ops docs", "handover document", "wiki page", "documentation", "docs", "document"]),
        Concept(id: "health-check", theme: .measurement, forms: ["health check", "health-check", "healthcheck", "/health", "health endpoint", "liveness", "readiness", "probe", "status endpoint"]),
        Concept(id: "structured-logs", theme: .measurement, forms: ["structured log", "structured logs", "json log", "correlation id", "trace id", "traceable", "tracing", "request id", "log format", "log level", "debug level"]),
        Concept(id: "release-notes", theme: .sharing, forms: ["release notes", "release note", "changelog", "what changed", "change summary", "what to watch"]),
        Concept(id: "automated-tests", theme: .automation, forms: ["regression suite", "automated test", "automated tests", "test suite", "unit test", "unit tests", "integration test", "tests pass", "test passing", "green build", "qa", "smoke test", "full test suite", "regression"]),
        Concept(id: "pipeline", theme: .automation, forms: ["pipeline", "ci/cd", "ci", "cd", "jenkins", "build server", "deploy job", "automated deploy", "automated deployment", "through the pipeline"]),
        Concept(id: "manual-change", theme: .automation, forms: ["by hand", "manual", "manually", "hotfix", "hotfixes", "ssh", "sshing", "quickly fix", "hand edit", "hand edits", "hand-edit", "on the server", "click-ops", "clickops"]),
        Concept(id: "on-call", theme: .culture, forms: ["on-call", "on call", "oncall", "pager", "rota", "rotation", "carry the pager", "pagerduty", "opsgenie", "standby", "woken up", "night shift", "out of hours", "out-of-hours", "escalation"]),
        Concept(id: "load-test", theme: .measurement, forms: ["load test", "load-test", "load tests", "load testing", "performance test", "stress test", "capacity", "peak", "traffic", "black friday", "sized like production", "soak test"]),
        Concept(id: "freeze", theme: .lean, forms: ["change freeze", "freeze", "freezes", "blackout", "blackouts", "holiday", "code freeze", "moratorium"]),
        Concept(id: "retrospective", theme: .culture, forms: ["retrospective", "retro", "retros", "look back", "lessons"]),
        Concept(id: "shadowing", theme: .sharing, forms: ["shadow", "shadowing", "exchange", "embed", "embedded", "swap", "pairing", "pair with", "sit with", "job rotation", "secondment", "spend a day", "spend a week", "visit"]),
        Concept(id: "channel", theme: .sharing, forms: ["channel", "slack", "chat", "war room", "chatroom", "mailing list", "teams channel", "one place"]),
        Concept(id: "calendar", theme: .sharing, forms: ["change calendar", "calendar", "schedule", "upcoming", "blackouts", "forward schedule", "maintenance calendar"]),
        Concept(id: "notify", theme: .sharing, forms: ["notify", "notification", "tell us", "warn", "warning", "notice", "heads-up", "heads up", "inform", "informed", "let us know", "page the owning", "alert us", "find out", "hear about", "heard about", "visible"]),
        Concept(id: "infrastructure-as-code", theme: .automation, forms: ["terraform", "ansible", "infrastructure as code", "iac", "in git", "version control", "spec as code", "as code", "config management", "configuration management", "puppet", "chef", "gitops", "configuration", "config"]),
        Concept(id: "golden-image", theme: .automation, forms: ["golden image", "golden images", "base image", "standard image", "os image", "ami", "container image", "own os", "hardened image"]),
        Concept(id: "feature-flags", theme: .automation, forms: ["feature flag", "feature flags", "feature toggle", "toggle", "toggles", "dark launch", "kill switch", "switch them off", "switch off", "behind a flag"]),
        Concept(id: "release-cadence", theme: .lean, forms: ["weekly", "monthly", "release weekly", "once a month", "release cadence", "small release", "small releases", "batch", "batch size", "more often", "ten stories", "frequent", "every day", "twenty times a day", "big bang"]),
        Concept(id: "patching", theme: .lean, forms: ["patch", "patches", "patching", "patched", "os update", "os updates", "security update", "upgrade", "upgrades"]),
        Concept(id: "cost", theme: .lean, forms: ["budget", "cost", "costs", "cost estimate", "cloud spend", "spend", "money", "licence", "license", "overpriced"]),
        Concept(id: "risk", theme: .lean, forms: ["risk", "risky", "high risk", "risk checklist", "rollback", "roll back", "blast radius", "impact"]),
        Concept(id: "data-protection", theme: .culture, forms: ["card details", "customer emails", "personal data", "pii", "gdpr", "sensitive data", "secrets", "passwords", "compliance", "audit", "sox", "pci"]),
        Concept(id: "incident", theme: .culture, forms: ["incident", "incidents", "sev1", "sev-1", "sev 1", "outage", "outages", "down", "p1", "major incident", "firefighting"]),
        Concept(id: "ownership", theme: .culture, forms: ["ownership", "own what", "owning", "you build it", "take ownership", "responsible", "accountable"]),
        Concept(id: "communication", theme: .sharing, forms: ["communicate", "communication", "in the loop", "talk to", "talk", "talking", "listen", "informed", "keep us posted"], vague: true),
        Concept(id: "attitude", theme: .culture, forms: ["trust", "respect", "care about", "care", "understand", "flexibility", "flexible", "bureaucracy", "bureaucratic", "gatekeeping", "gatekeepers", "department of 'no'", "agile", "mindset", "attitude", "same side", "blame", "process"], vague: true),
        Concept(id: "speed", theme: .lean, forms: ["speed", "fast", "quick", "quickly", "slow down", "slow", "delivery"], vague: true),
        Concept(id: "customer", theme: .culture, forms: ["customer", "customers", "business", "users"], vague: true),
        Concept(id: "security-scan", theme: .automation, forms: ["vulnerability", "vulnerabilities", "scan", "scanning", "cve", "pen test", "pentest", "sast", "dast", "dependency check"]),
        Concept(id: "database-change", theme: .automation, forms: ["schema", "migration", "migrations", "database change", "ddl", "index", "indexes", "query", "queries", "stored procedure"]),
        Concept(id: "backup", theme: .automation, forms: ["backup", "backups", "restore", "disaster recovery", "dr test", "failover"]),
        Concept(id: "monitoring", theme: .measurement, forms: ["monitoring", "alert", "alerts", "alerting", "alarm", "threshold", "observability", "apm"]),
    ]

    /// The drafter keeps concept sets as 64-bit masks.
    static let fitsInAMask: Bool = { precondition(concepts.count <= 64, "more than 64 concepts: widen the drafter's masks"); return true }()

    /// Every form, split into stemmed words, with its concept index; longest forms first.
    static let forms: [(words: [String], concept: Int)] = {
        var out: [(words: [String], concept: Int)] = []
        for (i, c) in concepts.enumerated() {
            for f in c.forms { out.append((Stemmer.stems(f), i)) }
        }
        return out.sorted { $0.words.count > $1.words.count }
    }()

    static let byFirstStem: [String: [(words: [String], concept: Int)]] = {
        var map: [String: [(words: [String], concept: Int)]] = [:]
        for f in forms { if let first = f.words.first { map[first, default: []].append(f) } }
        return map
    }()

    /// Concept indices found in stemmed words, longest match first, each word used once.
    static func concepts(in stems: [String]) -> [Int] {
        _ = fitsInAMask
        var found: [Int] = []
        var i = 0
        while i < stems.count {
            var matched = 0
            for f in byFirstStem[stems[i]] ?? [] where i + f.words.count <= stems.count {
                if Array(stems[i..<i + f.words.count]) == f.words {
                    if !found.contains(f.concept) { found.append(f.concept) }
                    matched = max(matched, f.words.count)
                    break
                }
            }
            i += max(1, matched)
        }
        return found
    }
}

/// Words that point to a CALMS theme on their own (stems), for items that name no concept or
/// that talk about a concept through the lens of another theme ("measured on ticket closure").
enum ThemeCues {
    static let cues: [Theme: [String]] = [
        .measurement: ["measure", "measur", "metric", "kpi", "count", "number", "rate", "rat", "reward", "bonus", "target", "judg", "success",
                       "score", "scoreboard", "dashboard", "report", "sla", "slo", "availability", "uptime", "downtime", "percent", "point",
                       "velocity", "data", "capacity", "forecast", "benchmark", "track", "trend", "baseline", "finding", "finding",
                       "how long", "how many", "lead time", "time-to-delivery", "stat", "statistic", "graph", "chart", "evidence", "proof", "result"],
        .sharing: ["know", "knowledge", "learn", "tell", "told", "share", "shar", "wiki", "document", "doc", "documentation", "runbook", "head",
                   "loop", "inform", "visible", "visibility", "read", "see", "explain", "clueless", "aware", "hear", "heard", "find out",
                   "comment", "note", "channel", "access", "transparen", "understand", "show", "ask", "question", "announce", "publish", "silo"],
        .lean: ["window", "batch", "freeze", "wait", "queue", "handoff", "hand-off", "approval", "cab", "step", "small", "big", "plan", "flow",
                "delay", "bottleneck", "wip", "cadence", "week", "month", "peak", "ticket", "process", "bureaucra", "paperwork", "itil",
                "change request", "schedule", "maintenance", "waste", "rework", "lead", "faster", "slow", "backlog", "prioriti", "sprint"],
        .automation: ["script", "automat", "manual", "by hand", "pipeline", "tool", "terraform", "ansible", "container", "vm", "build",
                      "provision", "self-service", "infrastructure", "config", "image", "test", "deploy", "jenkins", "kubernetes",
                      "checklist", "click", "install", "server", "laptop", "code"],
        .culture: ["fear", "afraid", "trust", "blame", "care", "value", "resent", "hate", "enjoy", "attitude", "respect", "failure", "hero",
                   "pride", "proud", "ownership", "own", "weekend", "night", "woken", "stress", "burnout", "morale", "believe", "assume",
                   "feel", "personal", "reward", "incentive", "together", "joint", "empathy", "listen"],
    ]

    /// Lenses: words that say what a statement is about whatever it names. A fear, a value or a
    /// matter of trust is culture ("they fear the 3 a.m. page"); what a side is judged or paid on
    /// is measurement ("measured on ticket closure times"). Each lens counts once, strongly.
    static let lenses: [Theme: [String]] = [
        .culture: ["fear", "afraid", "scare", "trust", "distrust", "sacred", "resent", "pride", "proud", "hero", "over the wall",
                   "throw code", "their job", "your job", "blame culture", "us and them", "us versus them", "us vs"],
        .measurement: ["measured on", "measured by", "judged on", "judged by", "rated on", "rated by", "rewarded for", "paid for", "bonus",
                       "kpi", "scored on", "evaluated on", "target"],
    ]
    /// The lenses as stemmed phrases, matched like the text.
    static let stemmedLenses: [(Theme, [String])] = lenses.map { theme, cues in (theme, cues.map { Stemmer.stems($0).joined(separator: " ") }) }
    static let lensWeight = 1.5

    static func lensVotes(_ stems: [String]) -> [Theme: Double] {
        let joined = " " + stems.joined(separator: " ") + " "
        var votes: [Theme: Double] = [:]
        for (theme, cues) in stemmedLenses where cues.contains(where: { joined.includes(" " + $0) }) { votes[theme] = lensWeight }
        return votes
    }

    static let single: [String: [Theme]] = {
        var map: [String: [Theme]] = [:]
        for (theme, list) in cues { for cue in list where !cue.contains(" ") { map[cue, default: []].append(theme) } }
        return map
    }()
    static let phrases: [(String, Theme)] = cues.flatMap { theme, list in list.filter { $0.contains(" ") }.map { ($0, theme) } }

    /// Prefix matches on stems, so "measured", "measuring" and "measurement" all count; each cue
    /// counts once per item.
    static func votes(_ stems: [String]) -> [Theme: Double] {
        var votes: [Theme: Double] = [:]
        var counted = Set<String>()
        for stem in stems {
            var prefix = ""
            for ch in stem {
                prefix.append(ch)
                if let themes = single[prefix], counted.insert(prefix).inserted {
                    for t in themes { votes[t, default: 0] += 0.5 }
                }
            }
        }
        let joined = " " + stems.joined(separator: " ") + " "
        for (cue, theme) in phrases where joined.contains(" " + cue) { votes[theme, default: 0] += 0.6 }
        return votes
    }
}

/// A light suffix stripper (Porter-style step 1) so "deploys", "deploying" and "deployed" meet.
enum Stemmer {
    static func stems(_ text: String) -> [String] { Tokens.words(text).map(stem) }

    static func stem(_ w: String) -> String {
        var w = w
        if w.count <= 3 { return w }
        for (suffix, replacement) in [("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")] where w.hasSuffix(suffix) {
            let base = String(w.dropLast(suffix.count)) + replacement
            if base.count >= 3 {
                if suffix == "s" && (w.hasSuffix("ss") || w.hasSuffix("us") || w.hasSuffix("is")) { continue }
                if suffix == "es" && !(base.hasSuffix("sh") || base.hasSuffix("ch") || base.hasSuffix("x") || base.hasSuffix("ss") || base.hasSuffix("z")) {
                    w = String(w.dropLast(1)); return w
                }
                w = base
                // "deploying" → "deploy", "stopped" → "stop"
                if (suffix == "ing" || suffix == "ed"), w.count >= 4, let last = w.last, w.dropLast().last == last, !"lsz".contains(last) { w.removeLast() }
                return w
            }
        }
        return w
    }
}
