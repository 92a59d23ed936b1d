import DetenteModel
import Foundation

/// Flags blaming or sweeping language and vague requirements while people write, with a
/// suggestion the bot can offer. Rules are general English and workshop knowledge, each with a
/// name so the facilitator can see why something was flagged.
public struct Coach: Sendable {
    public struct Blame: Sendable, Equatable {
        public let trigger: String
        public let rule: String
        public let reframing: String
    }

    public struct Advice: Sendable, Equatable {
        public let blame: Blame?
        /// Nil when the requirement is actionable (a team could tell when it is done).
        public let followUp: String?
        public let tooShort: Bool
        public var isActionable: Bool { followUp == nil }
    }

    public init() {}

    /// - Parameter speaker: the writer's department, so a group's words about itself ("Ops think
    ///   a release without a rehearsal is reckless") are not a generalisation about others.
    public func review(_ text: String, kind: ItemKind, speaker: Department? = nil) -> Advice {
        review(text, kind: kind, speaker: speaker, ask: kind == .requirement ? AskParser.parse(text) : nil)
    }

    /// The same, with the ask already parsed (the drafter parses each item once).
    func review(_ text: String, kind: ItemKind, speaker: Department?, ask: Ask?) -> Advice {
        let words = Tokens.words(text)
        let blame = detectBlame(text, words: words) ?? detectGeneralisation(words, speaker: speaker)
        let followUp = kind == .requirement ? vagueness(ask: ask ?? AskParser.parse(text), text: text) : nil
        return Advice(blame: blame, followUp: followUp, tooShort: words.count < 6)
    }

    // MARK: blame

    /// Insults and contempt, about people or a group (general English pejoratives). Words that
    /// blame only in some contexts ("grow up", "talking down") are phrases below instead.
    static let insults: Set<String> = [
        "lazy", "incompetent", "useless", "clueless", "stupid", "idiots", "idiot", "morons", "moron", "sloppy", "careless",
        "arrogant", "cowboys", "cowboy", "dinosaurs", "hopeless", "pathetic", "whine", "whining", "whines", "whiny",
        "gatekeepers", "bureaucrats", "paper-pushers", "amateurs", "amateur", "ignorant", "selfish", "childish",
        "lazily", "dumb", "inept", "unprofessional", "reckless", "cowards", "cowardly", "clowns", "negligent", "obstructive",
        "sabotage"
    ]

    static let blamePhrases: [(String, String)] = [
        ("couldn't care less", "imputed motive"), ("could not care less", "imputed motive"), ("don't care", "imputed motive"),
        ("do not care", "imputed motive"), ("doesn't care", "imputed motive"), ("can't be bothered", "imputed motive"),
        ("cannot be bothered", "imputed motive"), ("they would rather", "imputed motive"), ("you would rather", "imputed motive"), ("just because", "imputed motive"),
        ("hide behind", "imputed motive"),
        ("hiding behind", "imputed motive"), ("when nobody is watching", "imputed motive"), ("over the wall", "sweeping claim"), ("for once", "sarcasm"),
        ("as usual", "sarcasm"), ("get your act together", "demand without content"), ("department of 'no'", "label"),
        ("department of no", "label"), ("department of “no”", "label"), ("grow up", "insult"), ("talk down", "contempt"),
        ("talking down", "contempt"), ("a bunch of", "contempt"), ("all they do", "sweeping claim"), ("all you do", "sweeping claim"),
        ("no idea", "contempt"),
        ("blame us", "blame"), ("blames us", "blame"), ("sort it out", "demand without content"),
        ("nobody ever", "sweeping claim")
    ]

    static let sweeping: Set<String> = ["always", "never", "constantly", "nothing", "every", "everything", "nobody", "anything"]
    static let groupSubjects: Set<String> = [
        "they", "they're", "theyre", "you", "you're", "youre", "your", "ops", "dev", "devs", "developers",
        "operations", "dba", "dbas", "security", "sre", "sres", "admins", "platform", "qa", "testers",
        "engineers", "management", "their", "them"
    ]

    static let phraseIndex = PhraseIndex(blamePhrases.map { ($0.0, $0.1) })

    func detectBlame(_ text: String, words: [String]) -> Blame? {
        if let (phrase, rule) = Self.phraseIndex.firstMatch(in: words) {
            return Blame(trigger: phrase, rule: rule, reframing: reframing)
        }
        // "they'd rather", "you'd rather": an imputed preference.
        for (i, w) in words.enumerated().dropLast() where w.hasSuffix("'d") && words[i + 1] == "rather" && !["we'd", "i'd"].contains(w) {
            return Blame(trigger: "\(w) rather", rule: "imputed motive", reframing: reframing)
        }
        if let w = words.first(where: Self.insults.contains) {
            return Blame(trigger: w, rule: "insult or contempt", reframing: reframing)
        }
        // Sweeping claims: "they always …", "you never …", "Ops never …" — a group as subject with
        // an absolute. An imperative rule ("Never patch production by hand") has no group subject.
        for (i, w) in words.enumerated() where Self.sweeping.contains(w) {
            if w == "every" || w == "everything" || w == "anything" || w == "nothing" {
                // "every request ... rots", "tell us nothing": only with contempt nearby; handled by phrases.
                continue
            }
            let window = words[max(0, i - 3)..<i]
            if window.contains(where: Self.groupSubjects.contains) {
                return Blame(trigger: words[max(0, i - 1)...i].joined(separator: " "), rule: "sweeping claim about a group", reframing: reframing)
            }
        }
        return nil
    }

    let reframing = "“We need … so that …; could we agree on …?” — name the situation and what would help, not the people."

    // MARK: actionability

    /// Concrete things a team can produce or change: a requirement naming one is checkable.
    static let concreteNouns: Set<String> = [
        "runbook", "runbooks", "playbook", "dashboard", "dashboards", "endpoint", "endpoints", "pipeline", "pipelines", "log", "logs",
        "test", "tests", "suite", "environment", "environments", "staging", "sandbox", "calendar", "channel", "notes", "checklist",
        "template", "image", "images", "flag", "flags", "flags.", "alert", "alerts", "alerting", "metric", "metrics", "slo", "slos", "sla",
        "access", "ticket", "tickets", "review", "reviews", "retro", "retrospective", "postmortem", "post-mortem", "rotation",
        "rota", "on-call", "pager", "cab", "approval", "approvals", "change", "changes", "release", "releases", "deploy", "deploys",
        "deployment", "deployments", "window", "freeze", "backup", "backups", "restore", "schema", "migration", "migrations",
        "terraform", "ansible", "git", "repo", "repository", "script", "scripts", "api", "health", "health-check", "healthcheck",
        "trace", "tracing", "documentation", "docs", "wiki", "meeting", "planning", "standup", "stand-up", "demo", "shadowing",
        "rollback", "canary", "notice", "sprint", "version", "control", "config", "configuration", "certificate", "secrets",
        "vault", "patch", "patching", "incident", "incidents", "sev1", "sev-1", "p1", "escalation", "contact", "owner", "owners",
        "report", "capacity", "load", "performance", "budget", "quota", "policy", "standard", "baseline", "scan", "scans",
        "vulnerability", "vulnerabilities", "credentials", "index", "indexes", "query", "queries", "replica", "database", "databases",
        "production", "prod", "server", "servers", "service", "services", "version", "versions", "library", "libraries", "dependency",
        "dependencies", "definition", "define", "shadow", "traffic", "checklist", "catalog", "category", "form", "field"
    ]
    /// A requirement that opens with an attitude ("Respect…", "Be less…", "Care about…") asks for a
    /// disposition, not a deliverable, unless it names a number or a deadline.
    static let attitudeOpeners: Set<String> = [
        "respect", "care", "understand", "trust", "be", "think", "communicate", "show", "grow", "listen",
        "appreciate", "value", "accept", "remember", "consider"
    ]
    static let timeOrNumber = try! NSRegularExpression(
        pattern: #"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|daily|weekly|monthly|quarterly|hourly|every|each|within|before|after|by|until|per)\b"#, options: [.caseInsensitive])
    /// Verbs of attitude rather than action: "care", "trust", "respect", "understand".
    static let attitudeVerbs: Set<String> = [
        "care", "trust", "trusting", "respect", "understand", "think", "thought", "communicate", "communication",
        "agile", "flexible", "flexibility", "bureaucratic", "collaborate", "collaboration",
        "ownership", "open", "transparent", "proactive", "loop", "better", "more", "less", "faster",
        "slow", "grow", "behave", "listen", "stop", "improve", "help", "learn"
    ]

    func vagueness(_ text: String, words: [String]) -> String? {
        let concrete = words.filter(Self.concreteNouns.contains).count
        let range = NSRange(text.startIndex..., in: text)
        let hasTimeOrNumber = Self.timeOrNumber.firstMatch(in: text, range: range) != nil
        let attitude = words.filter(Self.attitudeVerbs.contains).count
        let score = concrete * 2 + (hasTimeOrNumber ? 1 : 0) - (attitude > 0 && concrete == 0 ? 1 : 0) + (words.count >= 10 && concrete > 0 ? 1 : 0)
        let attitudeOnly = words.first.map(Self.attitudeOpeners.contains) == true && !hasTimeOrNumber
        let emptyDemand = text.lowercased().contains("act together")
        if concrete == 0 || score < 2 || attitudeOnly || emptyDemand {
            return "what would “done” look like, and by when? Name something the other department could show you."
        }
        return nil
    }
}

/// Phrases matched as word sequences (fast, and "for once" never matches inside "performance").
struct PhraseIndex: Sendable {
    private let byFirst: [String: [(words: [String], phrase: String, tag: String)]]

    init(_ phrases: [(String, String)]) {
        var map: [String: [(words: [String], phrase: String, tag: String)]] = [:]
        for (phrase, tag) in phrases {
            let words = Tokens.words(phrase)
            guard let first = words.first else { continue }
            map[first, default: []].append((words, phrase, tag))
        }
        byFirst = map
    }

    func firstMatch(in words: [String]) -> (String, String)? {
        for i in words.indices {
            for candidate in byFirst[words[i]] ?? [] where i + candidate.words.count <= words.count {
                if words[i..<i + candidate.words.count].elementsEqual(candidate.words) { return (candidate.phrase, candidate.tag) }
            }
        }
        return nil
    }
}
