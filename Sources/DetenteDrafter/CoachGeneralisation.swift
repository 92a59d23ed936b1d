import DetenteModel
/// Blame without an insult word: sarcasm markers, generalisations about a group and attributed
/// motives. The cue lists are general English, not workshop vocabulary:
/// - irony and sarcasm markers as listed in the linguistics of irony (Attardo 2000, "Irony
///   markers and functions"; Burgers et al. 2012, "Verbal irony: differences in usage across
///   written genres"): "once again", "as always", "for a change", "yet again";
/// - generalisations and attributed motives as the evaluative language Nonviolent Communication
///   separates from observation (Rosenberg, 2003, ch. 3): a whole group as the subject of an
///   absolute ("they never", "Ops always"), "nobody in X", a demand that a group stop a conduct.
/// Group names are the IT functions of ITIL 4 and common job titles (developer, operations,
/// infrastructure, security, DBA, SRE), so a rule about a group never needs a company's words.
extension Coach {
    static let sarcasmMarkers: [(String, String)] = [
        "once again", "yet again", "as always", "as ever", "as usual", "for a change", "for once", "surprise surprise", "heaven forbid",
        "god forbid", "like clockwork", "thanks for nothing", "of all people", "what a surprise", "how convenient"
    ].map { ($0, "sarcasm") }

    /// Condescending idioms (general English usage): telling adults to mature or calm down, or
    /// dismissing a concern as someone else's.
    static let condescension: [(String, String)] = [
        "calm down", "wake up and"
    ].map { ($0, "contempt") }

    static let motivePhrases: [(String, String)] = [
        "to cover themselves", "to cover yourselves", "for the sake of it", "looking for a reason", "looking for reasons", "any excuse",
        "an excuse to"
    ].map { ($0, "imputed motive") }

    /// Words naming a group of colleagues by function; a plural "they" counts as one too.
    static let groupNames: [String: Set<String>] = [
        "dev": ["dev", "devs", "developer", "developers", "development", "engineering", "programmers", "coders"],
        "ops": ["ops", "operations", "infrastructure", "infra", "admins", "sysadmins", "sre", "sres", "support", "service desk"],
        "security": ["security", "cyber", "infosec", "soc", "secops", "compliance"],
        "dba": ["dba", "dbas", "database team"],
        "qa": ["qa", "testers", "testing"]
    ]
    static let allGroupNames: Set<String> = Set(groupNames.values.joined()).union(["they", "them", "management"])

    /// Absolutes and verbs of refusal that, right after a group as subject, make one event a
    /// fixed trait ("they never", "Ops always", "they ignore"). Verbs of belief ("they think", "they see X as")
    /// are how an outmodel takes the other side's view, and are not blame by themselves.
    static let attitudeAfterGroup: Set<String> = [
        "never", "always", "ever", "pretend", "pretends", "ignore", "ignores", "refuse", "refuses"
    ]

    /// Sarcasm, sweeping claims about a group other than the speaker's, and imputed motives.
    func detectGeneralisation(_ words: [String], speaker: Department?) -> Blame? {
        if let (phrase, rule) = Self.toneIndex.firstMatch(in: words) { return Blame(trigger: phrase, rule: rule, reframing: reframing) }
        let own = speaker.flatMap { Self.groupNames[$0] } ?? []
        for (i, w) in words.enumerated() where Self.allGroupNames.contains(w) && !own.contains(w) {
            let next = words[(i + 1)..<min(words.count, i + 3)]
            // "nobody in Security ever explains", "nobody from Dev bothered"
            if i >= 2, ["in", "from", "at"].contains(words[i - 1]), ["nobody", "no-one", "noone"].contains(words[i - 2]) {
                return Blame(trigger: "nobody \(words[i - 1]) \(w)", rule: "sweeping claim about a group", reframing: reframing)
            }
            // The group must be the subject: first word, or after a conjunction or article.
            guard w != "them", i + 1 < words.count, i == 0 || ["the", "and", "but", "because", "while", "whereas", "our", "your"].contains(words[i - 1]) else { continue }
            if let verb = next.first(where: Self.attitudeAfterGroup.contains) {
                return Blame(trigger: "\(w) \(verb)", rule: "generalisation about a group", reframing: reframing)
            }
            // "Security should stop behaving …", "Developers must quit sharing …": a demand about a group's conduct.
            let window = words[(i + 1)..<min(words.count, i + 5)]
            if window.contains(where: { $0 == "stop" || $0 == "quit" }), window.contains(where: { $0.hasSuffix("ing") }) {
                return Blame(trigger: "\(w) … stop", rule: "demand about a group's conduct", reframing: reframing)
            }
        }
        return nil
    }

    static let toneIndex = PhraseIndex(sarcasmMarkers + motivePhrases + condescension)
}
