@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// A team could tell whether it has been done; digits alone do not make an ask checkable.
@Suite struct CoachActionabilityTests {
    func actionable(_ text: String) -> Bool { Coach().review(text, kind: .requirement).isActionable }

    @Test func attitudesAndStatesAreNotActionable() {
        for text in [
            "Be more open with us.", "Trust our judgement on releases.", "Stop treating every request as a threat.",
            "More listening, fewer escalations.", "The platform team should be a bit more relaxed about tooling."
        ] {
            #expect(!actionable(text), "actionable: \(text)")
        }
    }

    @Test func digitsDoNotMakeAVagueAskActionable() {
        #expect(!actionable("Be sensible about the 2027 roadmap."))
    }

    @Test func shortConcreteAsksAreActionable() {
        for text in [
            "No shared admin passwords on build agents.", "Rotate the TLS certificates before they expire.",
            "Publish the on-call rota every Friday."
        ] {
            #expect(actionable(text), "not actionable: \(text)")
        }
    }
}
