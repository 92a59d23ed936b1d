@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

@Suite struct BoundsTests {
    @Test func aParticipantWritesAtMostTheDocumentedNumberOfItems() throws {
        var h = Harness(k: 1)
        try h.join("p_a", "dev")
        try h.advance(to: .outmodel)
        for i in 0..<Workshop.maxItemsPerParticipant {
            try h.run(.submit(kind: .outmodel, text: "They fear change number \(i).", target: nil), .participant("p_a"))
        }
        expectCode(.limitReached) { try h.run(.submit(kind: .outmodel, text: "One too many.", target: nil), .participant("p_a")) }
        // Withdrawing does not give the budget back: it bounds what is stored, not what is live.
        let some = h.w.items.keys.sorted()[0]
        try h.run(.withdraw(some), .participant("p_a"))
        expectCode(.limitReached) { try h.run(.submit(kind: .outmodel, text: "Still one too many.", target: nil), .participant("p_a")) }
    }

    @Test func theWorkshopsTextStaysUnderItsByteBound() throws {
        var h = Harness(k: 1)
        let people = (0..<30).map { "p_\($0)" }
        for p in people { try h.join(p, "dev") }
        try h.advance(to: .outmodel)
        let long = String(repeating: "They fear unplanned change at night. ", count: 54)  // ~2,000 bytes
        var refused: DetenteError?
        outer: for p in people {
            for _ in 0..<Workshop.maxItemsPerParticipant {
                do { try h.run(.submit(kind: .outmodel, text: long, target: nil), .participant(p)) } catch let e as DetenteError { refused = e; break outer }
            }
        }
        #expect(refused?.code == .limitReached)
        let bytes = h.w.items.values.reduce(0) { $0 + $1.anonymised.utf8.count }
        #expect(bytes <= Workshop.maxTextBytesPerWorkshop && bytes > Workshop.maxTextBytesPerWorkshop - 4_000)
    }

    @Test func aWelcomeCarriesOnlyTheLastChatLines() throws {
        var h = Harness(k: 1)
        try h.join("p_a", "dev")
        try h.advance(to: .outmodel)
        // Each item brings two bot lines: the thanks and the note that a phone number was replaced.
        for i in 0..<150 { try h.run(.submit(kind: .outmodel, text: "They value uptime, call 020 7946 \(1000 + i).", target: nil), .participant("p_a")) }
        let snapshot = Visibility.snapshot(of: h.w, for: .participant("p_a", "dev"), online: [], names: [:])
        let chat = snapshot["chat"]?.arrayValue ?? []
        #expect(h.w.botLog.filter { $0.audience.includes(.participant("p_a", "dev")) }.count > Workshop.snapshotChatLines)
        #expect(chat.count == Workshop.snapshotChatLines)
    }
}
