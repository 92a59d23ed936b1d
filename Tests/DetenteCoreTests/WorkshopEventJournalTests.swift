@testable import DetenteModel
@testable import DetenteWorkshop
import Testing

/// The journal form of events: every kind decodes back to itself, and a bad record is refused
/// with a message naming what is wrong.
@Suite struct WorkshopEventJournalTests {
    @Test func everyEventKindRoundTripsThroughItsJournalForm() throws {
        let h = try VisibilityCoverageTests.everyKind()
        #expect(Set(h.events.map(VisibilityCoverageTests.kind(of:))).count == VisibilityCoverageTests.Kind.allCases.count)
        for e in h.events {
            let stored = e.json.encoded()
            let decoded = try Event(json: try JSONParser.parse(stored))
            #expect(decoded.json.encoded() == stored, "\(e.name)")
            #expect(decoded == e, "\(e.name): the value itself round-trips (confidences are kept as journaled)")
            #expect(decoded.name == e.name)
        }
    }

    @Test func replayingTheDecodedJournalGivesTheSameWorkshop() throws {
        let h = try VisibilityCoverageTests.everyKind()
        let decoded = try h.events.map { e throws(Event.DecodingFailure) in try Event(json: e.json) }
        let replayed = try Workshop.replay(decoded)
        #expect(replayed.phase == h.w.phase && replayed.ended == h.w.ended)
        #expect(replayed.items == h.w.items && replayed.endorsements == h.w.endorsements)
        #expect(replayed.draft == h.w.draft)
        #expect(replayed.notes == h.w.notes && replayed.assignments == h.w.assignments && replayed.tallies == h.w.tallies)
    }

    @Test(arguments: [
        (#"{"e":"voted","p":"p_1","on":true}"#, "missing string field i"),
        (#"{"e":"voted","p":"p_1","i":"i_1"}"#, "missing boolean field on"),
        (#"{"e":"timer_started"}"#, "missing integer field ends_at"),
        (#"{"e":"phase_changed","phase":"coffee","at":1}"#, "unknown phase"),
        (#"{"e":"reacted","p":"p","i":"i","verdict":"maybe","comment":""}"#, "unknown verdict"),
        (#"{"e":"bot_said","to":7,"text":"hi"}"#, "bad audience"),
        (#"{"e":"teleported"}"#, "unknown event teleported"),
        (#"{"name":"voted"}"#, "missing string field e")
    ])
    func aBadRecordIsRefusedNamingTheProblem(record: String, message: String) throws {
        let json = try JSONParser.parse(record)
        #expect(throws: Event.DecodingFailure.self) { try Event(json: json) }
        do {
            _ = try Event(json: json)
        } catch {
            #expect(error.description == message)
        }
    }
}
