import DetenteModel
/// The weights with which `NameDetector` combines evidence that a word is (part of) a person's
/// name, in score points. A word is a name once its evidence reaches `threshold`; negative
/// weights are evidence against. Calibrated by hand on one PII development sample and checked
/// on the other (tools/eval_anonymiser.py), never by words from either.
enum NameEvidence {
    static let threshold = 3.0

    // MARK: the word on its own
    /// A roster token ("Wanjiru"): enough on its own.
    static let rosterName = 3.0
    /// A roster token that is also an everyday word ("Memory", "Can"): needs one more cue.
    static let rosterNameThatIsAWord = 1.5
    /// A roster token that is also a tool ("Travis", "Ruby").
    static let rosterNameThatIsATool = 2.0
    /// A common diminutive of a roster name ("Bill" for William).
    static let rosterNickname = 3.0
    /// A prefix or suffix of a roster name ("Kavi" of Kavitha).
    static let rosterShortForm = 2.5
    /// A gazetteer given or family name that no dictionary knows as a word.
    static let gazetteerName = 2.0
    /// A gazetteer name that is also an everyday word ("Grace", "Will").
    static let gazetteerNameThatIsAWord = 0.5
    /// A capitalised word that is neither a name nor a word: names the gazetteer lacks.
    static let unknownCapitalised = 0.5
    /// A capitalised hyphenated word of short non-word parts ("Seo-yeon").
    static let hyphenatedGivenName = 1.5
    /// A gazetteer name at the start of a sentence that is no everyday word or tool.
    static let nameAtSentenceStart = 1.0
    /// A known place that is also a name (Lima, Victoria), without place context.
    static let placeAlsoName = -1.0

    // MARK: capitals
    /// Lowercase, unless a roster name that is no everyday word ("kavitha").
    static let lowercase = -2.5
    /// A lowercase roster name that is also a tool ("ruby").
    static let lowercaseRosterTool = -1.5
    /// Capitalised in mid-sentence.
    static let midSentenceCapital = 1.0
    /// Capitalised in mid-sentence, for a roster name that is also a word ("then Memory.").
    static let midSentenceCapitalOfRosterName = 1.5

    // MARK: things, not people
    /// A tool, weekday or month ("Jenkins", "Sunday").
    static let toolWord = -5.0
    /// A tool word right before another name ("Sunday Eze").
    static let toolWordBeforeAName = -1.0
    /// Followed by a thing word ("Travis CI", "Cassandra cluster").
    static let beforeAThingWord = -4.0
    /// "Testy McTestface", "testuser": a test account.
    static let testAccount = -5.0
    /// Right after a product name ("Google Doc").
    static let afterAProductName = -3.0
    /// After a determiner ("our Ruby scripts").
    static let afterADeterminer = -2.0
    /// The object of a verb that takes a tool ("run Flyway"), for a word no roster holds.
    static let afterToolVerb = -1.5

    // MARK: context
    /// Before a possessive ("Kamau's").
    static let possessive = 1.5
    /// Before a possessive, for a lowercase roster name ("kavitha's").
    static let possessiveOfLowercaseRosterName = 3.0
    /// A roster name before a verb in -s ("Robin pastes").
    static let rosterNameBeforeAVerb = 0.5
    /// Before a verb people do ("said", "fixed", "is").
    static let beforeAPersonVerb = 1.5
    /// Before "and" or "or".
    static let beforeAConjunction = 0.5
    /// A capitalised given name before "from" ("Grace from the vendor"), on top of `beforeAPersonVerb`.
    static let givenNameFromSomewhere = 1.0
    /// After a cue word ("ask", "with", "cc").
    static let afterACue = 1.0
    /// After a verb of contacting someone, on top of `afterACue`.
    static let afterContactVerb = 0.5
    /// After a title or before an honorific suffix ("Dr", "-san"), or signing a text ("— Wanjiru").
    static let titleOrSignature = 3.0
    /// The speaker of a transcript line ("Kofi: …"), for a word that is no everyday word or tool.
    static let speakerLabel = 2.5
    /// Right after an employee id in brackets ("HLF-00417 (Sefa)") or right before one.
    static let besideID = 3.0
    /// A sentence's capitalised subject that a later "she", "he" or "who" refers back to.
    static let referredToAsPerson = 1.5
    /// A lowercase gazetteer name that is no everyday word, after a verb of contact
    /// ("messaging ami") or before "from" and a team ("rohan from Support").
    static let lowercaseInPersonalContext = 3.0

    // MARK: neighbours
    /// Each of two unknown capitalised words side by side needs this much on its own.
    static let unknownFullNamePart = 1.5
    /// Next to a name of the same roster person ("Wanjiru Kamau").
    static let besideSamePerson = 4.0
    /// A name-like capitalised word next to a name ("Pieter van der Walt").
    static let besideAName = 2.5
}
