@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Testing

/// Every event kind against every kind of viewer: the rules in `Visibility` hold for all of them.
@Suite struct VisibilityTests {
    /// A workshop that has been through every phase, with every kind of event in its history.
    static func fullHistory() throws -> Harness {
        var h = Harness(departments: ["dev", "ops", "dba"], k: 1)
        for (p, d) in [("p_dev1", "dev"), ("p_dev2", "dev"), ("p_ops1", "ops"), ("p_ops2", "ops"), ("p_dba1", "dba")] { try h.join(p, d) }
        try h.advance(to: .outmodel)
        try h.run(.timerStart(seconds: 600), .facilitator)
        try h.run(.submit(kind: .outmodel, text: "They value uptime; ask Memory Banda at memory@ops.example.", target: "ops"), .participant("p_dev1"), roster: ["Memory Banda"])
        try h.run(.submit(kind: .outmodel, text: "They fear change on Fridays.", target: "dev"), .participant("p_ops1"))
        try h.run(.nextPrompt, .participant("p_dev1"))
        try h.advance(to: .requirements)
        try h.run(.submit(kind: .requirement, text: "Give us read-only access to production logs within two weeks.", target: "ops"), .participant("p_dev2"))
        try h.run(.submit(kind: .requirement, text: "Write a runbook for every service before go-live.", target: "dev"), .participant("p_ops2"))
        try h.run(.submit(kind: .requirement, text: "Review schema migrations two days ahead.", target: "dev"), .participant("p_dba1"))
        try h.advance(to: .review)
        let devItem = h.w.items.values.first { $0.department == "dev" }!.id
        try h.run(.vote(devItem, on: true), .participant("p_dev2"))
        for p in ["p_dev1", "p_dev2", "p_ops1", "p_ops2", "p_dba1"] { try h.run(.approve(true), .participant(p)) }
        try h.run(.readyCheck, .facilitator)
        try h.run(.markReady, .participant("p_ops1"))
        try h.advance(to: .reveal, force: false)
        try h.run(.present("dev"), .facilitator)
        try h.advance(to: .reactions)
        let aboutOps = h.w.revealed!.first { $0.target == "ops" && $0.kind == .outmodel }!.id
        try h.run(.react(aboutOps, .wrong, comment: "We measure lead time too."), .participant("p_ops1"))
        try h.run(.submit(kind: .offer, text: "We offer a weekly office hour.", target: "dev"), .participant("p_ops2"))
        try h.advance(to: .agreement)
        let clause = h.w.draft!.clauses.first { $0.votable }!.id
        try h.run(.endorse(clause, support: true), .participant("p_dba1"))
        try h.run(.handOver(to: "p_ops2"), .facilitator)
        try h.run(.note("Follow up on pager pay"), .facilitator)
        try h.run(.end, .facilitator)
        return h
    }

    static let viewers: [Viewer] = [
        .facilitator, .participant("p_dev1", "dev"), .participant("p_dev2", "dev"), .participant("p_ops1", "ops"),
        .participant("p_ops2", "ops", delegate: true), .participant("p_dba1", "dba")
    ]

    /// Replays the history, collecting what each viewer receives for each event.
    static func received() throws -> (Harness, [Viewer: [(Event, String)]], Workshop?) {
        let h = try fullHistory()
        guard case let .created(setup) = h.events[0] else { throw DetenteError(.notFound, "no setup") }
        var w = Workshop(setup: setup)
        var out: [Viewer: [(Event, String)]] = [:]
        var revealedAt: Workshop?
        for e in h.events.dropFirst() {
            w.apply(e)
            if case .revealed = e { revealedAt = w }
            for f in Visibility.frames(for: e, in: w) {
                for v in viewers where f.audience.includes(v) { out[v, default: []].append((e, f.message.encoded())) }
            }
        }
        return (h, out, revealedAt)
    }

    @Test func sealedItemsNeverReachOtherDepartmentsOrTheFacilitatorBeforeReveal() throws {
        let (h, out, _) = try Self.received()
        for (viewer, frames) in out {
            var revealed = false
            for (event, text) in frames {
                if case .revealed = event { revealed = true }
                guard !revealed else { continue }
                for item in h.w.items.values where item.department != viewer.department {
                    #expect(!text.contains(item.id), "\(viewer) saw \(item.id) of \(item.department) before the reveal")
                    #expect(!text.contains(item.text.prefix(20)), "\(viewer) saw the text of a sealed item")
                }
            }
        }
    }

    @Test func nobodyButTheAuthorLearnsWhoWroteAnItem() throws {
        let (h, out, _) = try Self.received()
        for (viewer, frames) in out {
            for (_, text) in frames {
                #expect(!text.contains("\"author\""))
                for p in h.w.participants.keys where p != viewer.participantID && !viewer.hasFacilitatorRights {
                    #expect(!text.contains(p), "\(viewer) received participant id \(p)")
                }
                if text.contains("\"mine\":true") {
                    let id = text.components(separatedBy: "\"id\":\"")[1].prefix { $0 != "\"" }
                    #expect(h.w.items[String(id)]?.author == viewer.participantID, "\(viewer) was told it wrote \(id)")
                }
            }
        }
    }

    @Test func noTimestampsOrSequenceNumbersInAnyFrame() throws {
        let (_, out, _) = try Self.received()
        for (_, frames) in out {
            for (_, text) in frames {
                for key in ["\"at\"", "\"seq\"", "\"created_at\"", "\"timestamp\""] { #expect(!text.contains(key)) }
            }
        }
    }

    @Test func facilitatorGetsCountsAndTheAnonymityWarningButNoTexts() throws {
        let (h, out, _) = try Self.received()
        let facilitatorFrames = out[.facilitator] ?? []
        #expect(facilitatorFrames.contains { $0.1.contains("\"type\":\"progress\"") })
        let sealedTexts = h.w.items.values.filter { $0.kind != .offer }.map(\.text)
        for (event, text) in facilitatorFrames {
            if case .revealed = event { break }
            for t in sealedTexts { #expect(!text.contains(t.prefix(20))) }
        }
    }

    @Test func revealIsAnonymisedShuffledAndIdenticalForEveryone() throws {
        let (h, out, revealedAt) = try Self.received()
        let batch = try #require(revealedAt?.revealed)
        #expect(batch.contains { $0.text.contains("[Person A]") && $0.text.contains("[email]") })
        #expect(!batch.contains { $0.text.contains("Memory Banda") })
        let reveals = out.values.compactMap { frames in frames.first { if case .revealed = $0.0 { return true } else { return false } }?.1 }
        #expect(reveals.count == Self.viewers.count)
        #expect(Set(reveals).count == 1, "everyone gets the same batch")
        _ = h
    }

    @Test func presenceShowsNamesOnlyWithinTheDepartmentAndToTheFacilitator() throws {
        let h = try Self.fullHistory()
        let names = ["p_dev1": "Ann", "p_dev2": "Bo", "p_ops1": "Cy", "p_ops2": "Di", "p_dba1": "Ed"]
        let devView = Visibility.presence(h.w, online: ["p_dev1", "p_ops1"], names: names, for: .participant("p_dev1", "dev")).encoded()
        #expect(devView.contains("Ann") && devView.contains("Bo"))
        #expect(!devView.contains("Cy") && !devView.contains("Di") && !devView.contains("Ed"))
        #expect(!devView.contains("p_ops1"))
        let facView = Visibility.presence(h.w, online: [], names: names, for: .facilitator).encoded()
        for n in names.values { #expect(facView.contains(n)) }
    }

    @Test func snapshotForAParticipantHoldsOnlyTheirDepartmentsItemsBeforeReveal() throws {
        var h = Harness()
        try h.join("a", "dev"); try h.join("b", "ops")
        try h.advance(to: .outmodel)
        try h.run(.submit(kind: .outmodel, text: "Ops fear the pager at night.", target: nil), .participant("a"))
        try h.run(.submit(kind: .outmodel, text: "Dev love new frameworks.", target: nil), .participant("b"))
        let snap = Visibility.snapshot(of: h.w, for: .participant("b", "ops"), online: [], names: [:]).encoded()
        #expect(snap.contains("Dev love new frameworks") && !snap.contains("Ops fear the pager"))
        let fac = Visibility.snapshot(of: h.w, for: .facilitator, online: [], names: [:]).encoded()
        #expect(!fac.contains("Ops fear the pager") && !fac.contains("Dev love"))
    }

    @Test func exportTranscriptCarriesNoNamesTokensOrParticipantIds() throws {
        let h = try Self.fullHistory()
        for format in ["md", "html", "json", "csv"] {
            let body = try #require(Transcript(workshop: h.w).render(format)).body
            for p in h.w.participants.keys { #expect(!body.contains(p), "\(format) carries a participant id") }
            #expect(!body.contains("Memory Banda"))
            #expect(!body.contains(h.w.setup.facilitatorTokenHash))
        }
        let withAttendance = try #require(Transcript(workshop: h.w).render("md", attendance: ["Ann Lee"])).body
        #expect(withAttendance.contains("## Attendance") && withAttendance.contains("Ann Lee"))
    }
}
