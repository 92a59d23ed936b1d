import DetenteModel
/// Domain knowledge for reading DevOps workshop text: concepts with the many ways people name
/// them (CAB / change board / change approval), each with the CALMS theme it usually belongs to.
/// Themes follow CALMS as Humble describes it: communication, joint planning and people exchange
/// are Sharing; capacity evidence and observability are Measurement. General knowledge of the
/// field from the glossaries named in tools/lexicon/concepts.tsv, not of any one workshop.
struct Concept: Sendable {
    let id: String
    let theme: Theme
    /// Surface forms, matched on word stems; multi-word forms match as phrases.
    let forms: [String]
    /// Vague concepts (attitudes) group only with other vague items.
    var vague = false
}

enum ConceptLexicon {
    /// Concepts from tools/lexicon/concepts.tsv (public glossaries: ITIL 4, DORA, the SRE book,
    /// CALMS, NIST), compiled in by tools/build_lexicon.py.
    static let concepts: [Concept] = ConceptLexiconData.concepts.split(separator: "\n").compactMap { line in
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard cols.count == 4, let theme = Theme(rawValue: cols[1]) else { return nil }
        return Concept(id: cols[0], theme: theme, forms: cols[3].split(separator: "|").map(String.init), vague: cols[2] == "vague")
    }

    /// Concepts that colour many asks without being what they ask for.
    static let broad: Set<String> = Set(
        ConceptLexiconData.concepts.split(separator: "\n").compactMap { line in
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            return cols.count == 4 && cols[2] == "broad" ? String(cols[0]) : nil
        })

    /// The drafter keeps concept sets as 64-bit masks.
    static let fitsInAMask: Bool = {
        precondition(concepts.count <= 64, "more than 64 concepts: widen the drafter's masks"); return true
    }()

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
        .measurement: [
            "measure", "measur", "metric", "kpi", "count", "number", "rate", "rat", "reward", "bonus", "target", "judg", "success",
            "score", "scoreboard", "dashboard", "report", "sla", "slo", "availability", "uptime", "downtime", "percent", "point",
            "velocity", "data", "capacity", "forecast", "benchmark", "track", "trend", "baseline", "finding", "finding",
            "how long", "how many", "lead time", "time-to-delivery", "stat", "statistic", "graph", "chart", "evidence", "proof", "result"
        ],
        .sharing: [
            "know", "knowledge", "learn", "tell", "told", "share", "shar", "wiki", "document", "doc", "documentation", "runbook", "head",
            "loop", "inform", "visible", "visibility", "read", "see", "explain", "clueless", "aware", "hear", "heard", "find out",
            "comment", "note", "channel", "access", "transparen", "understand", "show", "ask", "question", "announce", "publish", "silo"
        ],
        .lean: [
            "window", "batch", "freeze", "wait", "queue", "handoff", "hand-off", "approval", "cab", "step", "small", "big", "plan", "flow",
            "delay", "bottleneck", "wip", "cadence", "week", "month", "peak", "ticket", "process", "bureaucra", "paperwork", "itil",
            "change request", "schedule", "maintenance", "waste", "rework", "lead", "faster", "slow", "backlog", "prioriti", "sprint"
        ],
        .automation: [
            "script", "automat", "manual", "by hand", "pipeline", "tool", "terraform", "ansible", "container", "vm", "build",
            "provision", "self-service", "infrastructure", "config", "image", "test", "deploy", "jenkins", "kubernetes",
            "checklist", "click", "install", "server", "laptop", "code"
        ],
        .culture: [
            "fear", "afraid", "trust", "blame", "care", "value", "resent", "hate", "enjoy", "attitude", "respect", "failure", "hero",
            "pride", "proud", "ownership", "own", "weekend", "night", "woken", "stress", "burnout", "morale", "believe", "assume",
            "feel", "personal", "reward", "incentive", "together", "joint", "empathy", "listen"
        ]
    ]

    /// Lenses: words that say what a statement is about whatever it names. A fear, a value or a
    /// matter of trust is culture ("they fear the 3 a.m. page"); what a side is judged or paid on
    /// is measurement ("measured on ticket closure times"). Each lens counts once, strongly.
    static let lenses: [Theme: [String]] = [
        .culture: [
            "fear", "afraid", "scare", "trust", "distrust", "sacred", "resent", "pride", "proud", "hero", "over the wall",
            "throw code", "their job", "your job", "blame culture", "us and them", "us versus them", "us vs"
        ],
        .measurement: [
            "measured on", "measured by", "judged on", "judged by", "rated on", "rated by", "rewarded for", "paid for", "bonus",
            "kpi", "scored on", "evaluated on", "target"
        ]
    ]
    /// The lenses as stemmed phrases, matched like the text.
    static let stemmedLenses: [(Theme, [String])] = lenses.map { theme, cues in (theme, cues.map { Stemmer.stems($0).joined(separator: " ") }) }
    static let lensWeight = 1.5
    /// Cues with their leading space, built once: matching is a byte search per cue.
    static let spacedLenses: [(Theme, [String])] = stemmedLenses.map { ($0.0, $0.1.map { " " + $0 }) }

    static func lensVotes(_ stems: [String]) -> [Theme: Double] {
        let joined = " " + stems.joined(separator: " ") + " "
        var votes: [Theme: Double] = [:]
        for (theme, cues) in spacedLenses where cues.contains(where: { joined.includes($0) }) { votes[theme] = lensWeight }
        return votes
    }

    static let single: [String: [Theme]] = {
        var map: [String: [Theme]] = [:]
        for (theme, list) in cues { for cue in list where !cue.contains(" ") { map[cue, default: []].append(theme) } }
        return map
    }()
    static let phrases: [(String, Theme)] = cues.flatMap { theme, list in list.filter { $0.contains(" ") }.map { ($0, theme) } }
    static let spacedPhrases: [(String, Theme)] = phrases.map { (" " + $0.0, $0.1) }

    static let cueLengths: [Int] = Array(Set(single.keys.map(\.count))).sorted()

    /// The single-word cues that are prefixes of a stem, memoised: a workshop repeats its words.
    static func prefixCues(of stem: String) -> [(String, [Theme])] {
        if let hit = prefixMemo.withLock({ $0[stem] }) { return hit }
        var found: [(String, [Theme])] = []
        for n in cueLengths where n <= stem.count {
            let prefix = String(stem.prefix(n))
            if let themes = single[prefix] { found.append((prefix, themes)) }
        }
        prefixMemo.withLock { memo in
            if memo.count > 100_000 { memo.removeAll(keepingCapacity: true) }
            memo[stem] = found
        }
        return found
    }
    static let prefixMemo = LockedMemo<[(String, [Theme])]>()

    /// Prefix matches on stems, so "measured", "measuring" and "measurement" all count; each cue
    /// counts once per item.
    static func votes(_ stems: [String]) -> [Theme: Double] {
        var votes: [Theme: Double] = [:]
        var counted = Set<String>()
        for stem in stems {
            for (prefix, themes) in prefixCues(of: stem) where counted.insert(prefix).inserted {
                for t in themes { votes[t, default: 0] += 0.5 }
            }
        }
        let joined = " " + stems.joined(separator: " ") + " "
        for (cue, theme) in spacedPhrases where joined.includes(cue) { votes[theme, default: 0] += 0.6 }
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
                if suffix == "ing" || suffix == "ed", w.count >= 4, let last = w.last, w.dropLast().last == last, !"lsz".contains(last) { w.removeLast() }
                return w
            }
        }
        return w
    }
}
