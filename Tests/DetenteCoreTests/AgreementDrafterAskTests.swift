@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// The chunker, lemmas, spelling and typo tolerance, on sentences written for these tests.
@Suite struct AgreementDrafterAskTests {
    @Test func anImperativeSplitsIntoActionObjectAndCondition() {
        let ask = AskParser.parse("Please restart the billing queue workers if the backlog passes ten thousand messages.")
        #expect(ask.action == "restart")
        #expect(ask.object.contains("worker") && ask.object.contains("queue"))
        #expect(ask.condition == "if the backlog passes ten thousand messages")
    }

    @Test func aSupportVerbHandsOverItsObjectAndNamesTheBeneficiary() {
        let ask = AskParser.parse("Give us a sandbox database that resets every night.")
        #expect(ask.action == nil)
        #expect(ask.beneficiary == "us")
        #expect(ask.object.first == "sandbox")
    }

    @Test func letUsNamesTheRealAction() {
        #expect(AskParser.parse("Let us rotate the signing keys ourselves.").action == "rotate")
    }

    @Test func aNegatedContextSentenceIsNotTheAsk() {
        let ask = AskParser.parse("We don't want root on the brokers. Show us the consumer lag per topic.")
        #expect(ask.action == "show")
        #expect(ask.object.contains("lag"))
    }

    @Test func aPurposeClauseIsNotPartOfTheObject() {
        let ask = AskParser.parse("Mirror the firewall rules into the wiki so that we can check them before a release.")
        #expect(ask.action == "mirror")
        #expect(!ask.object.contains("release"))
    }

    @Test func britishAndAmericanSpellingsShareOneLemma() {
        #expect(Lexicon.lemma("prioritised") == Lexicon.lemma("prioritized"))
        #expect(Lexicon.lemma("catalogue") == Lexicon.lemma("catalog"))
        #expect(Lexicon.lemma("behaviour") == "behavior")
    }

    @Test func lemmasMeetAcrossInflections() {
        #expect(Lexicon.lemma("deploying") == "deploy")
        #expect(Lexicon.nounLemma("environments") == "environment")
        #expect(Lexicon.nounLemma("bit") == "bit")  // a noun in an object, not the verb "bite"
    }

    @Test func aOneLetterTypoIsReadAsTheWordButJargonIsLeftAlone() {
        #expect(Lexicon.corrected("enviroment") == "environment")
        #expect(Lexicon.corrected("dashbaord") == "dashboard")
        #expect(Lexicon.corrected("kubectl") == "kubectl")
        #expect(Lexicon.corrected("tenable") == "tenable")
    }

    @Test func typosAndSpellingDoNotStopTheSameAskFromGrouping() {
        let a = AgreementDrafter().analyse([
            AnalysisItem(id: "x1", department: "dev", kind: .requirement, target: "ops", text: "Give us a catalogue of pre-authorised firewall changes."),
            AnalysisItem(id: "x2", department: "dev", kind: .requirement, target: "ops", text: "We need a catalog of pre-authorized firewal changes.")
        ])
        #expect(a.groups.contains { Set($0.members) == ["x1", "x2"] })
    }
}
