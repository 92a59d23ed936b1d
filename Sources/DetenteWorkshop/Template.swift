import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// A workshop script kept as data: the bot's words per phase and the guided questions. The
/// shapes an organiser picks from live in `Templates/*.json` (see docs/TEMPLATES.md), loaded and
/// validated once at start-up by `TemplateCatalog`; `catsAndDogs` is also built in, so the core
/// works without any file (unit tests, `detente export`).
public struct WorkshopTemplate: Sendable, Equatable {
    public let name: String
    /// What the bot says to everyone when a phase starts.
    public let phaseIntro: [Phase: String]
    /// Outmodel guided questions; `{target}` is replaced by the department being described.
    public let outmodelQuestions: [String]
    public let requirementPrompt: String
    /// Suggested minutes per phase, shown to the facilitator when starting a timer.
    public let suggestedMinutes: [Phase: Int]

    public static let catsAndDogs = WorkshopTemplate(
        name: "cats-and-dogs",
        phaseIntro: [
            .lobby: "Welcome! Pick your department and wait for the facilitator to start.",
            .checkIn:
                "Our purpose today: a first mutual agreement on how to speed up overall delivery to customers — measured by time-to-delivery for the whole company, not by any one department's speed. Ground rules: describe systems and situations, not people; assume good intent; every view is welcome. What stays anonymous: your department sees its items without authors; nobody else sees anything until the facilitator reveals them, all at once, in shuffled order, with names, emails, phone numbers and other identifiers removed. Nobody — not even the facilitator — is ever told who wrote what.",
            .outmodel:
                "Outmodel: privately, as a department, describe how {target} does things around here in order to succeed. I will ask one question at a time; answer in your own words, then press “Next question” when you are done.",
            .requirements: "Requirements: what do you need from {target} to get its act together? Write one requirement per message, concrete enough that they could tell when it is done.",
            .review:
                "Department review: here are your department's items, without authors. Edit your own, merge duplicates, give up to three votes to what matters most, and approve the set for release when you are happy. Check the anonymised preview of your own items.",
            .reveal: "Reveal: every department's deliverables are now visible to all, at the same moment, in shuffled order and anonymised.",
            .reactions:
                "Reactions: for each statement about you, say whether it is accurate, partly accurate or wrong, and why. For each requirement on you, accept it, accept it with a condition, or say you cannot — with a comment. Add what you can offer in return.",
            .agreement:
                "Agreement: here is a first draft merged from everyone's requirements and reactions. Vote on each clause; a clause is endorsed when a majority of every department supports it.",
            .close: "Thank you! The agreement and the anonymised transcript are ready for export. Let's meet again at the review date to check how time-to-delivery moved."
        ],
        outmodelQuestions: [
            "What are {target}'s goals — what are they trying to achieve?",
            "What do they value most in their work?",
            "What do they fear, or try hardest to avoid?",
            "How are they measured, and by whom?",
            "What does a good day look like for them?",
            "What do they believe about us?"
        ],
        requirementPrompt: "What do you require of {target}? One concrete requirement per message.",
        suggestedMinutes: [.checkIn: 5, .outmodel: 20, .requirements: 20, .review: 15, .reactions: 20, .agreement: 20]
    )

    public init(name: String, phaseIntro: [Phase: String], outmodelQuestions: [String], requirementPrompt: String, suggestedMinutes: [Phase: Int]) {
        self.name = name; self.phaseIntro = phaseIntro; self.outmodelQuestions = outmodelQuestions
        self.requirementPrompt = requirementPrompt; self.suggestedMinutes = suggestedMinutes
    }

    /// The loaded template of that name, else the built-in one, else nil.
    public static func named(_ name: String) -> WorkshopTemplate? {
        TemplateCatalog.shared.template(named: name) ?? (name == catsAndDogs.name ? catsAndDogs : nil)
    }
}
