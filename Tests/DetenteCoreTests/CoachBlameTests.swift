@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// Blame without insult words, and what is not blame, on sentences written for these tests.
@Suite struct CoachBlameTests {
    func blame(_ text: String, speaker: Department? = "dev") -> Coach.Blame? { Coach().review(text, kind: .outmodel, speaker: speaker).blame }

    @Test func sarcasmMarkersAreBlame() {
        for text in [
            "Once again the firewall change went in without a word to us.",
            "For a change, a release that came with notes.",
            "Yet again the outage report leaves out the config push."
        ] {
            #expect(blame(text)?.rule == "sarcasm", "not flagged as sarcasm: \(text)")
        }
    }

    @Test func generalisationsAboutAnotherGroupAreBlame() {
        #expect(blame("Nobody from Ops ever reads the handover notes.") != nil)
        #expect(blame("Security never shows up unless an auditor is coming.") != nil)
        #expect(blame("Developers should quit pretending monitoring is someone else's job.", speaker: "ops") != nil)
    }

    @Test func aGroupDescribingItselfIsNotAGeneralisationAboutOthers() {
        #expect(blame("Ops only patch on the second Tuesday of the month.", speaker: "ops") == nil)
    }

    @Test func takingTheOtherSidesViewIsNotBlame() {
        // Outmodels say what the other side believes: a verb of belief is no accusation.
        #expect(blame("They think a green build means the release is safe.") == nil)
        #expect(blame("They see the change board as their safety net.") == nil)
    }

    @Test func absoluteWordsInANeutralRuleStayUnflagged() {
        for text in ["Never copy customer records into a test system.", "Nobody edits the load balancer config by hand."] {
            #expect(Coach().review(text, kind: .requirement).blame == nil, "flagged: \(text)")
        }
    }
}
